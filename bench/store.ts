/**
 * The baseline store at an organisation's nightly scale, store schema 2 side by side with the
 * schema-1 layout it replaced, in one run. Measures, does not assert. Run: `npm run bench:store`
 * (options: `-- --keys 1600 --runs 30 --old-keys 40`). Prints a table and one JSON line.
 *
 * 1. Bytes per key per run at 10,000 samples (5 trials × 2,000 lognormal samples with full double
 *    precision, the worst case for compression): one key appended `runs + 1` times through the real
 *    FilesystemBaselineStore (schema 2), against the schema-1 file of the same runs (the same JSON
 *    the schema-1 store wrote, read back by today's reader).
 * 2. Loading the history of `keys` keys × `runs` runs through `store.read` (what the gate does per
 *    entry). The schema-2 tree is generated with the store's own encoder (plain writes, no fsync:
 *    the generation is not what is measured); the schema-1 layout only for `old-keys` keys (a
 *    1,600-key schema-1 store is ≈ 9 GB) and scaled linearly, which is how it scales (each key is
 *    one independent file). Files were just written, so both loads read from the page cache.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASELINE_RUNS } from '../src/gate/index.js';
import { createRng, type Rng } from '../src/gate/rng.js';
import { type BaselineKey, type Entry, Results } from '../src/results/schema.js';
import { summarize } from '../src/stats/summary.js';
import { runSortKey } from '../src/store/append-plan.js';
import { FilesystemBaselineStore } from '../src/store/filesystem-store.js';
import { keyPath } from '../src/store/key.js';
import { encodeRunFile } from '../src/store/run-file.js';
import { type BaselineRun, STORE_SCHEMA_VERSION } from '../src/store/types.js';
import { lognormal, syntheticEntry } from './synthetic.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const KEYS = arg('keys', 1600);
const RUNS = arg('runs', 30);
const OLD_KEYS = Math.min(arg('old-keys', 40), KEYS);
const TRIALS = 5;
const SAMPLES = 10_000;

function keyOf(i: number): BaselineKey {
  return {
    model: `model-${Math.floor(i / 16)}`,
    precision: (['fp32', 'fp16', 'bf16', 'int8'] as const)[i % 4]!,
    batchSize: 1,
    runner: 'trtexec',
    device: `NVIDIA GPU ${Math.floor(i / 4) % 4}`,
    runtime: 'TensorRT 10.9.0',
    optionsHash: 'abc123',
  };
}

function entry(rng: Rng, key: BaselineKey): Entry {
  const trials = Array.from({ length: TRIALS }, () => {
    const samples = lognormal(rng, SAMPLES / TRIALS, 1.5, 0.05);
    return { samples, stats: summarize(samples), wallMs: samples.reduce((a, b) => a + b, 0) };
  });
  return syntheticEntry(key, trials, `${key.model}/${key.precision}/b1`, 'trtexec latencyMs');
}

function run(rng: Rng, key: BaselineKey, i: number): BaselineRun {
  return {
    runId: `nightly-${String(i).padStart(3, '0')}`,
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString(),
    source: { sha: 'deadbeefcafe', ref: 'refs/heads/main', event: 'schedule' },
    entry: entry(rng, key),
  };
}

function resultsOf(r: BaselineRun): Results {
  return Results.parse({
    schemaVersion: 1,
    tool: { name: 'trt-gate', version: '0.1.0' },
    runId: r.runId,
    createdAt: r.createdAt,
    source: r.source,
    environment: {
      runner: 'trtexec',
      os: { platform: 'linux', release: '6.1', arch: 'x64' },
      host: { cpuModel: 'x', cpuCores: 2, memoryBytes: 8e9 },
      node: process.version,
      runtime: { name: 'TensorRT', version: '10.9.0' },
      device: { kind: 'gpu', name: r.entry.key.device },
    },
    config: {},
    entries: [r.entry],
  });
}

/** What the schema-1 store wrote for a key: every run in one pretty-printed JSON file. */
function schema1Text(key: BaselineKey, runs: BaselineRun[]): string {
  return `${JSON.stringify({ schemaVersion: 1, key, runs }, null, 2)}\n`;
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const tmp = await mkdtemp(join(tmpdir(), 'trt-gate-bench-store-'));
try {
  const rng = createRng('bench-store');

  // 1. Bytes per key per run, through the real store.
  const key = keyOf(0);
  const runs = Array.from({ length: RUNS + 1 }, (_, i) => run(rng, key, i));
  const store = new FilesystemBaselineStore(join(tmp, 'bytes'));
  const sizes: number[] = [];
  for (const r of runs) {
    await store.append(resultsOf(r), { historySize: RUNS });
    sizes.push(await dirBytes(join(tmp, 'bytes')));
  }
  const keyDir = join(
    tmp,
    'bytes',
    ...keyPath(key)
      .replace(/\.json$/, '')
      .split('/'),
  );
  const names = (await readdir(keyDir)).filter((n) => n.endsWith('.run.gz')).sort();
  const runFile = (await stat(join(keyDir, names.at(-1)!))).size;
  const compacted = (await stat(join(keyDir, names[0]!))).size;
  const newKeyBytes = sizes.at(-1)!;
  const oldFull = Buffer.byteLength(schema1Text(key, runs.slice(-RUNS)));
  const oldPerRun =
    Buffer.byteLength(schema1Text(key, runs.slice(-RUNS))) -
    Buffer.byteLength(schema1Text(key, runs.slice(-RUNS, -1)));

  // 2. Loading 1,600 keys × 30 runs.
  const newRoot = join(tmp, 'new');
  const oldRoot = join(tmp, 'old');
  const template = runs.slice(-RUNS);
  const t0 = performance.now();
  for (let k = 0; k < KEYS; k++) {
    const kk = keyOf(k);
    const dir = join(
      newRoot,
      ...keyPath(kk)
        .replace(/\.json$/, '')
        .split('/'),
    );
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'key.json'),
      `${JSON.stringify({ schemaVersion: STORE_SCHEMA_VERSION, key: kk }, null, 2)}\n`,
    );
    const kruns = template.map((r) => ({ ...r, entry: { ...r.entry, key: kk } }));
    for (const [i, r] of kruns.entries()) {
      await writeFile(join(dir, `${runSortKey(r)}.run.gz`), encodeRunFile(r, i >= RUNS - BASELINE_RUNS));
    }
    if (k < OLD_KEYS) {
      const path = join(oldRoot, ...keyPath(kk).split('/'));
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, schema1Text(kk, kruns));
    }
  }
  const generateS = (performance.now() - t0) / 1000;

  async function load(root: string, keys: number): Promise<{ s: number; runs: number }> {
    const s = new FilesystemBaselineStore(root);
    const start = performance.now();
    let n = 0;
    for (let k = 0; k < keys; k++) n += (await s.read(keyOf(k)))?.runs.length ?? 0;
    return { s: (performance.now() - start) / 1000, runs: n };
  }
  // Side by side, alternating, best of two each (the machine is shared).
  const newLoads = [];
  const oldLoads = [];
  for (let i = 0; i < 2; i++) {
    newLoads.push(await load(newRoot, KEYS));
    oldLoads.push(await load(oldRoot, OLD_KEYS));
  }
  const newLoad = Math.min(...newLoads.map((l) => l.s));
  const oldLoad = Math.min(...oldLoads.map((l) => l.s));
  if (newLoads[0]!.runs !== KEYS * RUNS || oldLoads[0]!.runs !== OLD_KEYS * RUNS)
    throw new Error('incomplete load');
  const oldScaled = (oldLoad * KEYS) / OLD_KEYS;
  const newStoreBytes = await dirBytes(newRoot);
  const oldStoreBytes = ((await dirBytes(oldRoot)) * KEYS) / OLD_KEYS;
  const sample = await readFile(join(keyDir, names.at(-1)!));

  console.log(
    `store bench: ${SAMPLES} samples a run, ${RUNS}-run history, ${KEYS} keys (generated in ${generateS.toFixed(0)} s)`,
  );
  console.table({
    'run file with samples (bytes added per key per run)': {
      'schema 2': kb(runFile),
      'schema 1': kb(oldPerRun),
    },
    'compacted run file (older runs)': { 'schema 2': kb(compacted), 'schema 1': '-' },
    'bytes written by one append at a full history': {
      'schema 2': kb(runFile + compacted),
      'schema 1': kb(oldFull),
    },
    'one key, 30 runs': { 'schema 2': kb(newKeyBytes), 'schema 1': kb(oldFull) },
    [`whole store, ${KEYS} keys`]: {
      'schema 2': `${(newStoreBytes / 2 ** 20).toFixed(0)} MB`,
      'schema 1': `${(oldStoreBytes / 2 ** 20).toFixed(0)} MB (scaled)`,
    },
    [`load ${KEYS} keys × ${RUNS} runs`]: {
      'schema 2': `${newLoad.toFixed(2)} s`,
      'schema 1': `${oldScaled.toFixed(1)} s (${OLD_KEYS} keys: ${oldLoad.toFixed(2)} s, scaled)`,
    },
  });
  console.log(
    JSON.stringify({
      samples: SAMPLES,
      runs: RUNS,
      keys: KEYS,
      oldKeys: OLD_KEYS,
      runFileBytes: runFile,
      compactedRunBytes: compacted,
      keyBytesAtFullHistory: newKeyBytes,
      schema1BytesPerRun: oldPerRun,
      schema1KeyBytes: oldFull,
      storeBytes: newStoreBytes,
      schema1StoreBytesScaled: Math.round(oldStoreBytes),
      loadSeconds: newLoad,
      loadSecondsRuns: newLoads.map((l) => l.s),
      schema1LoadSeconds: oldLoad,
      schema1LoadSecondsScaled: oldScaled,
      gzipMagic: sample.subarray(0, 2).toString('hex'),
    }),
  );
} finally {
  await rm(tmp, { recursive: true, force: true });
}
