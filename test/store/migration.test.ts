/**
 * Stores written before store schema 2 are read where they are and migrated by the next append:
 * schema 0/1 key files in a namespace (what the Action wrote), and the CLI's unnamespaced layout
 * `<store>/<device>/…`, read as namespace `main`. Nothing is orphaned.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import { keyPath } from '../../src/store/key.js';
import { SUMMARY_FILE } from '../../src/store/key-summary.js';
import { namespacePath } from '../../src/store/namespace.js';
import { storedRun } from '../../src/store/run-file.js';
import {
  keyDirPath,
  listTree,
  makeEntry,
  makeKey,
  makeResults,
  makeTempDir,
  minute,
  runFiles,
  v0Document,
  writeSchema1,
} from './helpers.js';

let tmp: string;
let cleanup: () => Promise<void>;
let root: string;
const main = namespacePath({ branch: 'main' });
const keyA = makeKey();
const keyB = makeKey({ model: 'mobilenet' });

beforeEach(async () => {
  ({ dir: tmp, cleanup } = await makeTempDir());
  root = join(tmp, 'store');
});
afterEach(() => cleanup());

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** `n` runs, each with two trials of distinct samples, on keys A and B. */
function history(n: number) {
  return Array.from({ length: n }, (_, i) =>
    makeResults({
      runId: `old-${String(i + 1).padStart(2, '0')}`,
      createdAt: minute(i + 1),
      entries: [
        makeEntry({ id: 'a', key: keyA, samples: [1 + i / 10, 1.05 + i / 10, 0.95 + i / 10] }),
        makeEntry({ id: 'b', key: keyB, samples: [2 + i / 10, 2.1 + i / 10] }),
      ],
    }),
  );
}

describe('schema-1 key files in a namespace (the Action layout)', () => {
  it('reads them as they are, then migrates a key on its next append and removes the old file', async () => {
    const ns = join(root, ...main.split('/'));
    const old = history(30);
    const fileA = await writeSchema1(ns, keyA, old);
    const fileB = await writeSchema1(ns, keyB, old);
    const store = new FilesystemBaselineStore(root, { namespace: main });

    expect(await store.list()).toEqual([keyA, keyB].sort((a, b) => a.model.localeCompare(b.model)));
    const before = (await store.read(keyA))!;
    expect(before.runs.map((r) => r.runId)).toEqual(old.map((r) => r.runId));
    // Read as the store keeps runs: raw samples for the newest three only.
    expect(
      before.runs.map((r) => r.entry.latency!.trials[0]!.samples.length).filter((n) => n > 0),
    ).toHaveLength(3);
    expect(await readFile(fileA, 'utf8')).toContain('"schemaVersion": 1'); // reading wrote nothing

    const outcome = await store.append(
      makeResults({ runId: 'new', createdAt: minute(40), entries: [makeEntry({ key: keyA })] }),
      { historySize: 30 },
    );
    expect(outcome.written).toEqual([{ key: keyA, runs: 30 }]);
    expect(await exists(fileA)).toBe(false);
    expect(await exists(fileB)).toBe(true); // B was not appended to: still schema 1, still read
    const names = await runFiles(join(ns, keyDirPath(keyA)));
    expect(names).toHaveLength(30);
    const after = (await store.read(keyA))!;
    expect(after.runs.map((r) => r.runId)).toEqual([...old.slice(1).map((r) => r.runId), 'new']);
    expect(after.runs.map((r) => r.entry.latency!.trials[0]!.samples.length)).toEqual([
      ...Array(27).fill(0),
      3,
      3,
      4,
    ]);
    // Migrated runs keep their statistics exactly, and their samples within float32.
    const migrated = after.runs[28]!.entry.latency!;
    const original = old[29]!.entries[0]!.latency!;
    expect(migrated.trials[0]!.stats).toEqual(original.trials[0]!.stats);
    expect(migrated.trials[0]!.samples).toEqual(original.trials[0]!.samples.map(Math.fround));
    // The migrating append wrote the key's summary: a read without samples comes from it alone,
    // the same history. (Schema-1 key B has none, and is read whole.)
    const summary = JSON.parse(
      gunzipSync(await readFile(join(ns, keyDirPath(keyA), SUMMARY_FILE))).toString(),
    );
    expect(summary.runs.map((r: { file: string }) => r.file)).toEqual(names);
    expect(await store.read(keyA, { samples: false })).toEqual({
      key: keyA,
      runs: after.runs.map((r) => storedRun(r, false)),
    });
    expect((await store.read(keyB))!.runs).toHaveLength(30);
    expect((await store.read(keyB, { samples: false }))!.runs.map((r) => r.runId)).toEqual(
      old.map((r) => r.runId),
    );
  });

  it('migrates a schema-0 file (flat samples) through schema 1', async () => {
    const ns = join(root, ...main.split('/'));
    const path = join(ns, ...keyPath(keyA).split('/'));
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, JSON.stringify(v0Document([2, 4, 6])));
    const store = new FilesystemBaselineStore(root, { namespace: main });
    expect((await store.read(keyA))?.runs[0]?.entry.latency?.trials[0]?.samples).toEqual([2, 4, 6]);

    await store.append(makeResults({ runId: 'new', createdAt: minute(1) }), { historySize: 5 });
    expect(await exists(path)).toBe(false);
    const runs = (await store.read(keyA))!.runs;
    expect(runs.map((r) => r.runId)).toEqual(['old-run', 'new']);
    expect(runs[0]!.entry.latency!.trials[0]!.wallMs).toBe(12);
  });

  it('a corrupt or newer schema-1 file fails the append before anything is written', async () => {
    const ns = join(root, ...main.split('/'));
    const path = await writeSchema1(ns, keyA, history(2));
    await writeFile(path, (await readFile(path, 'utf8')).replace('"schemaVersion": 1', '"schemaVersion": 7'));
    const store = new FilesystemBaselineStore(root, { namespace: main });
    const tree = await listTree(tmp);
    const error = await store
      .append(
        makeResults({ runId: 'n', entries: [makeEntry({ key: keyA }), makeEntry({ id: 'b', key: keyB })] }),
        { historySize: 5 },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(/newer trt-gate \(schema 7\); upgrade trt-gate/);
    expect(await listTree(tmp)).toEqual(tree);
  });
});

describe("the CLI's unnamespaced schema-1 layout <store>/<device>/… (orphaned before schema 2)", () => {
  it('is read as namespace main, and moved into branches/main by the next append', async () => {
    const old = history(3);
    const legacy = await writeSchema1(root, keyA, old);
    const store = new FilesystemBaselineStore(root, { namespace: main });
    expect(await store.list()).toEqual([keyA]);
    expect((await store.read(keyA))?.runs.map((r) => r.runId)).toEqual(['old-01', 'old-02', 'old-03']);
    expect(await store.findSimilar(makeKey({ device: 'other' }))).toEqual([keyA]);
    // Other namespaces do not see it: it was written for the CLI's default, main.
    for (const ns of [namespacePath({ branch: 'dev' }), namespacePath({ production: true })]) {
      const other = new FilesystemBaselineStore(root, { namespace: ns });
      expect(await other.list()).toEqual([]);
      expect(await other.read(keyA)).toBeUndefined();
    }

    await store.append(makeResults({ runId: 'new', createdAt: minute(9) }), { historySize: 10 });
    expect(await exists(legacy)).toBe(false);
    expect(await runFiles(join(root, ...main.split('/'), keyDirPath(keyA)))).toHaveLength(4);
    expect(await store.list()).toEqual([keyA]);
    expect((await store.read(keyA))?.runs.map((r) => r.runId)).toEqual(['old-01', 'old-02', 'old-03', 'new']);
  });

  it('merges both layouts of one key without storing a run twice', async () => {
    const old = history(3);
    await writeSchema1(root, keyA, old.slice(0, 2));
    await writeSchema1(join(root, ...main.split('/')), keyA, old.slice(1));
    const store = new FilesystemBaselineStore(root, { namespace: main });
    expect((await store.read(keyA))?.runs.map((r) => r.runId)).toEqual(['old-01', 'old-02', 'old-03']);
    await store.append(makeResults({ runId: 'new', createdAt: minute(9) }), { historySize: 10 });
    expect((await store.read(keyA))?.runs.map((r) => r.runId)).toEqual(['old-01', 'old-02', 'old-03', 'new']);
    expect((await listTree(root)).filter((p) => p.endsWith('.json') && !p.endsWith('key.json'))).toEqual([]);
  });
});
