/**
 * The baseline store at an organisation's nightly scale, store schema 2 side by side with the
 * schema-1 layout it replaced, in one run. Measures, does not assert. Run: `npm run bench:store`
 * (options: `-- --keys 1600 --runs 30 --old-keys 40`). Prints a table and one JSON line.
 *
 * 1. Bytes per key per run at 10,000 samples (5 trials × 2,000 lognormal samples with full double
 *    precision, the worst case for compression): one key appended `runs + 1` times through the real
 *    FilesystemBaselineStore (schema 2), against the schema-1 file of the same runs (the same JSON
 *    the schema-1 store wrote, read back by today's reader).
 * 2. Loading the history of `keys` keys × `runs` runs through `store.read`, two ways: every run's
 *    entry and statistics without raw samples (`{ samples: false }`: what the history analysis,
 *    the nightly step and `baseline list` read, served by each key's summary.json.gz), and with
 *    the newest 3 runs' raw samples (the default: what the gate pools, opening those run files).
 *    Beside them, in the same run: the same store without summaries (the layout before them: every
 *    run file opened), the schema-1 layout, and a floor: listing every key directory (readdir) and
 *    reading its key.json. The schema-2 tree is generated with the store's own encoders (plain
 *    writes, no fsync: the generation is not what is measured); the layouts before the summary
 *    only for `old-keys` keys and scaled linearly, which is how they scale (keys are independent).
 *    Files were just written, so every load reads from the page cache. The load average is printed.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASELINE_RUNS } from '../src/gate/index.js';
import { createRng, type Rng } from '../src/gate/rng.js';
import { type BaselineKey, type Entry, Results } from '../src/results/schema.js';
import { summarize } from '../src/stats/summary.js';
import { runSortKey } from '../src/store/append-plan.js';
import { FilesystemBaselineStore } from '../src/store/filesystem-store.js';
import { keyPath } from '../src/store/key.js';
import { encodeSummary, SUMMARY_FILE } from '../src/store/key-summary.js';
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
  const summaryBytes = (await stat(join(keyDir, SUMMARY_FILE))).size;
  // Written by one append at a full history: its run file, the compacted one, the summary.
  const appendBytes = runFile + (await stat(join(keyDir, names.at(-1 - BASELINE_RUNS)!))).size + summaryBytes;
  const newKeyBytes = sizes.at(-1)!;
  const oldFull = Buffer.byteLength(schema1Text(key, runs.slice(-RUNS)));
  const oldPerRun =
    Buffer.byteLength(schema1Text(key, runs.slice(-RUNS))) -
    Buffer.byteLength(schema1Text(key, runs.slice(-RUNS, -1)));

  // 2. Loading 1,600 keys × 30 runs.
  const newRoot = join(tmp, 'new');
  const bareRoot = join(tmp, 'no-summary');
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
    const files = kruns.map((r, i) => ({
      name: `${runSortKey(r)}.run.gz`,
      bytes: encodeRunFile(r, i >= RUNS - BASELINE_RUNS),
    }));
    for (const f of files) await writeFile(join(dir, f.name), f.bytes);
    const records = kruns.map((run, i) => ({ file: files[i]!.name, run }));
    await writeFile(join(dir, SUMMARY_FILE), encodeSummary(kk, records));
    if (k < OLD_KEYS) {
      const bare = join(
        bareRoot,
        ...keyPath(kk)
          .replace(/\.json$/, '')
          .split('/'),
      );
      await mkdir(bare, { recursive: true });
      await writeFile(join(bare, 'key.json'), await readFile(join(dir, 'key.json')));
      for (const f of files) await writeFile(join(bare, f.name), f.bytes);
      const path = join(oldRoot, ...keyPath(kk).split('/'));
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, schema1Text(kk, kruns));
    }
  }
  const generateS = (performance.now() - t0) / 1000;

  /** Wall seconds (`s`) and this process's CPU seconds (`cpu`: less sensitive to other jobs). */
  type Load = { s: number; cpu: number; runs: number; samples: number };
  async function load(root: string, keys: number, samples: boolean): Promise<Load> {
    const s = new FilesystemBaselineStore(root);
    const start = performance.now();
    const cpu = process.cpuUsage();
    let n = 0;
    let sampleCount = 0;
    for (let k = 0; k < keys; k++) {
      const history = await s.read(keyOf(k), { samples });
      n += history?.runs.length ?? 0;
      for (const r of history?.runs ?? [])
        for (const t of r.entry.latency!.trials) sampleCount += t.samples.length;
    }
    const used = process.cpuUsage(cpu);
    const result = {
      s: (performance.now() - start) / 1000,
      cpu: (used.user + used.system) / 1e6,
      runs: n,
      samples: sampleCount,
    };
    if (n !== keys * RUNS) throw new Error(`incomplete load: ${n} runs of ${keys * RUNS}`);
    return result;
  }
  /** The floor: list every key directory and read its key.json, nothing else. */
  async function listing(): Promise<number> {
    const s = new FilesystemBaselineStore(newRoot);
    const start = performance.now();
    for (let k = 0; k < KEYS; k++) {
      const dir = s.pathFor(keyOf(k));
      if ((await readdir(dir)).length !== RUNS + 2) throw new Error(`unexpected listing of ${dir}`);
      JSON.parse(await readFile(join(dir, 'key.json'), 'utf8'));
    }
    return (performance.now() - start) / 1000;
  }
  const loadBefore = loadavg();
  // Side by side, alternating, best of three for the cheap loads, two for the rest (shared machine).
  const floors: number[] = [];
  const statLoads: Load[] = [];
  const bareLoads: Load[] = [];
  const oldLoads: Load[] = [];
  const gateLoads: Load[] = [];
  for (let i = 0; i < 3; i++) {
    floors.push(await listing());
    statLoads.push(await load(newRoot, KEYS, false));
    if (i === 2) break;
    bareLoads.push(await load(bareRoot, OLD_KEYS, true));
    oldLoads.push(await load(oldRoot, OLD_KEYS, true));
    gateLoads.push(await load(newRoot, KEYS, true));
  }
  const loadAfter = loadavg();
  const best = (loads: Array<{ s: number }>) => Math.min(...loads.map((l) => l.s));
  const bestCpu = (loads: Load[]) => Math.min(...loads.map((l) => l.cpu));
  const newLoad = best(statLoads);
  const gateLoad = best(gateLoads);
  const floor = Math.min(...floors);
  const bareLoad = best(bareLoads);
  const bareScaled = (bareLoad * KEYS) / OLD_KEYS;
  const oldLoad = best(oldLoads);
  const oldScaled = (oldLoad * KEYS) / OLD_KEYS;
  const newStoreBytes = await dirBytes(newRoot);
  const oldStoreBytes = ((await dirBytes(oldRoot)) * KEYS) / OLD_KEYS;
  const sample = await readFile(join(keyDir, names.at(-1)!));

  const la = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  console.log(
    `store bench: ${SAMPLES} samples a run, ${RUNS}-run history, ${KEYS} keys (generated in ${generateS.toFixed(0)} s); ` +
      `load average ${la(loadBefore)} before the loads, ${la(loadAfter)} after`,
  );
  console.table({
    'run file with samples (schema 1: bytes added per run)': { now: kb(runFile), 'schema 1': kb(oldPerRun) },
    'compacted run file (older runs)': { now: kb(compacted), 'schema 1': '-' },
    'key summary (rewritten by each append)': { now: kb(summaryBytes), 'schema 1': '-' },
    'bytes written by one append at a full history': { now: kb(appendBytes), 'schema 1': kb(oldFull) },
    'one key, 30 runs': { now: kb(newKeyBytes), 'schema 1': kb(oldFull) },
    [`whole store, ${KEYS} keys`]: {
      now: `${(newStoreBytes / 2 ** 20).toFixed(0)} MB`,
      'schema 1': `${(oldStoreBytes / 2 ** 20).toFixed(0)} MB (scaled)`,
    },
  });
  const perKey = (s: number) => `${((s * 1000) / KEYS).toFixed(2)} ms`;
  const scaled = (cpu: number) => (cpu * KEYS) / OLD_KEYS;
  console.table({
    'floor: readdir + key.json of every key': { 'wall s': floor.toFixed(2), 'wall a key': perKey(floor) },
    'read({ samples: false }): every run, summaries': {
      'wall s': newLoad.toFixed(2),
      'wall a key': perKey(newLoad),
      'CPU s': bestCpu(statLoads).toFixed(2),
    },
    'read(): + newest 3 runs with samples (the gate)': {
      'wall s': gateLoad.toFixed(2),
      'wall a key': perKey(gateLoad),
      'CPU s': bestCpu(gateLoads).toFixed(2),
    },
    'read(), no summaries (before this change)': {
      'wall s': `${bareScaled.toFixed(1)} (${OLD_KEYS} keys: ${bareLoad.toFixed(2)}, scaled)`,
      'wall a key': perKey(bareScaled),
      'CPU s': `${scaled(bestCpu(bareLoads)).toFixed(1)} (scaled)`,
    },
    'read(), schema 1': {
      'wall s': `${oldScaled.toFixed(1)} (${OLD_KEYS} keys: ${oldLoad.toFixed(2)}, scaled)`,
      'wall a key': perKey(oldScaled),
      'CPU s': `${scaled(bestCpu(oldLoads)).toFixed(1)} (scaled)`,
    },
  });
  console.log(
    JSON.stringify({
      samples: SAMPLES,
      runs: RUNS,
      keys: KEYS,
      oldKeys: OLD_KEYS,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAfter,
      runFileBytes: runFile,
      compactedRunBytes: compacted,
      summaryBytes,
      appendBytes,
      keyBytesAtFullHistory: newKeyBytes,
      schema1BytesPerRun: oldPerRun,
      schema1KeyBytes: oldFull,
      storeBytes: newStoreBytes,
      schema1StoreBytesScaled: Math.round(oldStoreBytes),
      floorSeconds: floors,
      loadSeconds: newLoad,
      loadSecondsRuns: statLoads.map((l) => l.s),
      loadCpuSecondsRuns: statLoads.map((l) => l.cpu),
      gateLoadSeconds: gateLoads.map((l) => l.s),
      gateLoadCpuSeconds: gateLoads.map((l) => l.cpu),
      noSummaryCpuSecondsScaled: scaled(bestCpu(bareLoads)),
      gateLoadSamples: gateLoads[0]!.samples,
      noSummaryLoadSeconds: bareLoad,
      noSummaryLoadSecondsScaled: bareScaled,
      schema1LoadSeconds: oldLoad,
      schema1LoadSecondsScaled: oldScaled,
      gzipMagic: sample.subarray(0, 2).toString('hex'),
    }),
  );
} finally {
  if (process.env.KEEP_STORE_BENCH) console.error(`kept ${tmp}`);
  else await rm(tmp, { recursive: true, force: true });
}
