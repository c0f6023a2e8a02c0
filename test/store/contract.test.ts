import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASELINE_RUNS } from '../../src/gate/index.js';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import { InMemoryBaselineStore } from '../../src/store/memory-store.js';
import type { BaselineStore } from '../../src/store/types.js';
import { makeEntry, makeKey, makeResults, makeTempDir, minute } from './helpers.js';

/** The semantics every BaselineStore shares; run against the filesystem store and its in-memory twin. */
const stores: Array<[string, () => Promise<{ store: BaselineStore; cleanup: () => Promise<void> }>]> = [
  [
    'FilesystemBaselineStore',
    async () => {
      const { dir, cleanup } = await makeTempDir();
      return { store: new FilesystemBaselineStore(`${dir}/baselines`), cleanup };
    },
  ],
  ['InMemoryBaselineStore', async () => ({ store: new InMemoryBaselineStore(), cleanup: async () => {} })],
];

describe.each(stores)('%s', (_name, create) => {
  let store: BaselineStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await create());
  });
  afterEach(() => cleanup());

  it('reads nothing from an empty store', async () => {
    expect(await store.read(makeKey())).toBeUndefined();
    expect(await store.list()).toEqual([]);
    expect(await store.findSimilar(makeKey())).toEqual([]);
  });

  it('round-trips an appended run', async () => {
    const results = makeResults({ runId: 'r1', createdAt: minute(1) });
    const outcome = await store.append(results, { historySize: 5 });
    expect(outcome).toEqual({ written: [{ key: makeKey(), runs: 1 }], skipped: [] });

    const history = await store.read(makeKey());
    expect(history?.key).toEqual(makeKey());
    // Samples are kept as float32 (within 2^-24 of each value); everything else exactly.
    const entry = structuredClone(results.entries[0]!);
    const samples = entry.latency!.trials[0]!.samples;
    entry.latency!.trials[0]!.samples = samples.map(Math.fround);
    expect(history?.runs).toEqual([{ runId: 'r1', createdAt: minute(1), source: results.source, entry }]);
    expect(entry.latency!.trials[0]!.samples).not.toEqual(samples); // 1.1 is not a float32
    history!.runs[0]!.entry.latency!.trials[0]!.samples.forEach((v, i) => {
      expect(Math.abs(v / samples[i]! - 1)).toBeLessThan(2 ** -24);
    });
    expect(await store.list()).toEqual([makeKey()]);
  });

  it('keeps the newest historySize runs, oldest first', async () => {
    for (const i of [1, 2, 3, 4, 5]) {
      await store.append(makeResults({ runId: `r${i}`, createdAt: minute(i) }), { historySize: 3 });
    }
    expect((await store.read(makeKey()))?.runs.map((r) => r.runId)).toEqual(['r3', 'r4', 'r5']);
  });

  it('keeps raw samples for the newest BASELINE_RUNS runs only; older runs keep per-trial statistics', async () => {
    const results = [1, 2, 3, 4, 5].map((i) =>
      makeResults({
        runId: `r${i}`,
        createdAt: minute(i),
        entries: [makeEntry({ samples: [i, i + 0.5, i + 0.25, i + 2] })],
      }),
    );
    for (const r of results) await store.append(r, { historySize: 10 });
    const runs = (await store.read(makeKey()))!.runs;
    expect(runs.map((r) => r.runId)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(runs.map((r) => r.entry.latency!.trials[0]!.samples.length)).toEqual([0, 0, 4, 4, 4]);
    runs.forEach((run, i) => {
      const original = results[i]!.entries[0]!.latency!;
      expect(run.entry.latency!.trials[0]!.stats).toEqual(original.trials[0]!.stats);
      expect(run.entry.latency!.pooled).toEqual(original.pooled);
    });
    expect(BASELINE_RUNS).toBe(3);
  });

  it('orders by createdAt, not arrival, and skips a run older than a full history', async () => {
    await store.append(makeResults({ runId: 'late', createdAt: minute(10) }), { historySize: 2 });
    await store.append(makeResults({ runId: 'early', createdAt: minute(5) }), { historySize: 2 });
    expect((await store.read(makeKey()))?.runs.map((r) => r.runId)).toEqual(['early', 'late']);

    const outcome = await store.append(makeResults({ runId: 'ancient', createdAt: minute(1) }), {
      historySize: 2,
    });
    expect(outcome.written).toEqual([]);
    expect(outcome.skipped[0]?.reason).toMatch(/older than the 2 newest runs kept/);
    expect((await store.read(makeKey()))?.runs.map((r) => r.runId)).toEqual(['early', 'late']);
  });

  it('is idempotent per runId', async () => {
    const results = makeResults({ runId: 'same', createdAt: minute(1) });
    await store.append(results, { historySize: 10 });
    const again = await store.append(results, { historySize: 10 });
    expect(again.written).toEqual([]);
    expect(again.skipped).toEqual([
      { entryId: results.entries[0]!.id, reason: 'run same is already stored' },
    ]);
    expect((await store.read(makeKey()))?.runs).toHaveLength(1);
  });

  it('skips failed and unreliable entries, with reasons', async () => {
    const results = makeResults({
      entries: [
        makeEntry({ id: 'good' }),
        makeEntry({
          id: 'broken',
          key: { model: 'broken' },
          status: 'failed',
          error: { stage: 'build', message: 'unsupported operator' },
        }),
        makeEntry({ id: 'shaky', key: { model: 'shaky' }, unreliable: 'GPU clocks throttled' }),
        makeEntry({ id: 'twin' }),
      ],
    });
    const outcome = await store.append(results, { historySize: 10 });
    expect(outcome.written.map((w) => w.key.model)).toEqual(['resnet18']);
    expect(outcome.skipped).toEqual([
      { entryId: 'broken', reason: 'status is failed at build: unsupported operator' },
      { entryId: 'shaky', reason: 'measurement unreliable: GPU clocks throttled' },
      { entryId: 'twin', reason: 'same baseline key as entry good in this run' },
    ]);
    expect(await store.list()).toEqual([makeKey()]);
    expect(await store.read(makeKey({ model: 'broken' }))).toBeUndefined();
  });

  it('finds similar keys: same model/precision/batch, other environment', async () => {
    const here = makeKey();
    const otherDevice = makeKey({ device: 'AMD EPYC 7763' });
    const otherRuntime = makeKey({ runtime: 'onnxruntime 1.29.0' });
    const otherOptions = makeKey({ optionsHash: 'fff', runner: 'trtexec' });
    const unrelated = [
      makeKey({ batchSize: 8 }),
      makeKey({ precision: 'int8' }),
      makeKey({ model: 'resnet50' }),
    ];
    const entries = [here, otherDevice, otherRuntime, otherOptions, ...unrelated].map((key, i) =>
      makeEntry({ id: `e${i}`, key }),
    );
    await store.append(makeResults({ entries }), { historySize: 10 });

    const similar = await store.findSimilar(here);
    expect(similar).toHaveLength(3);
    expect(similar).toEqual(expect.arrayContaining([otherDevice, otherRuntime, otherOptions]));
    // A key with no baseline of its own still finds its relatives.
    expect(await store.findSimilar(makeKey({ device: 'brand new GPU' }))).toHaveLength(4);
    expect(await store.list()).toHaveLength(7);
  });

  it('rejects a historySize below 1', async () => {
    await expect(store.append(makeResults(), { historySize: 0 })).rejects.toThrow(RangeError);
  });

  it('returns copies: mutating what was read does not change the store', async () => {
    await store.append(makeResults(), { historySize: 10 });
    const history = await store.read(makeKey());
    history!.runs.length = 0;
    expect((await store.read(makeKey()))?.runs).toHaveLength(1);
  });
});
