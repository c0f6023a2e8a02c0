/**
 * What the comparison core costs on a large matrix: 100 models × 4 precisions × 4 devices, each
 * entry 10,000 lognormal latency samples (5 trials × 2,000), each key with a 30-run history.
 * Measures, does not assert. Run: `npx tsx bench/gate-cost.ts` (add `--expose-gc` via
 * NODE_OPTIONS for a cleaner starting RSS). Prints one JSON line.
 *
 * Histories come from a pool of 16 distinct 30-run histories handed out round-robin (with the key
 * rewritten), standing in for the store; store I/O is not what this measures.
 */
import { ThresholdSpec } from '../src/config/schema.js';
import { compareResults } from '../src/gate/compare-results.js';
import { createRng, type Rng } from '../src/gate/rng.js';
import { renderReport } from '../src/report/render.js';
import type { BaselineKey, Entry, Results } from '../src/results/schema.js';
import { summarize } from '../src/stats/summary.js';
import type { BaselineHistory, BaselineRun } from '../src/store/types.js';
import { lognormal, syntheticEntry } from './synthetic.js';

const MODELS = Number(process.env.MODELS ?? 100);
const PRECISIONS = ['fp32', 'fp16', 'bf16', 'int8'] as const;
const DEVICES = ['A100', 'H100', 'L4', 'T4'];
const TRIALS = 5;
const SAMPLES = Number(process.env.SAMPLES ?? 10_000);
const HISTORY_RUNS = Number(process.env.HISTORY_RUNS ?? 30);
const POOL = 16;
const REGRESSED_SHARE = 0.03;
/** Newest runs per lookup given their own copies of the samples (the gate reads BASELINE_RUNS = 3). */
const FRESH_RUNS = 3;

function entry(rng: Rng, key: BaselineKey, median: number): Entry {
  const per = Math.floor(SAMPLES / TRIALS);
  const trials = Array.from({ length: TRIALS }, () => {
    const samples = lognormal(rng, per, median * Math.exp(0.005 * (rng.next() - 0.5)), 0.08);
    return { samples, stats: summarize(samples), wallMs: per * median };
  });
  return syntheticEntry(key, trials, `${key.model}/${key.precision}/b1/${key.device}`, 'synthetic');
}

const rss = (): number => process.memoryUsage.rss();
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
const gc = (globalThis as { gc?: () => void }).gc;

const rng = createRng('gate-cost');
const keys: BaselineKey[] = [];
for (let m = 0; m < MODELS; m++) {
  for (const precision of PRECISIONS) {
    for (const device of DEVICES) {
      keys.push({
        model: `model-${m}`,
        precision,
        batchSize: 1,
        runner: 'tensorrt',
        device,
        runtime: 'tensorrt 10.3.0',
        optionsHash: 'h',
      });
    }
  }
}
const t0 = performance.now();
const poolKey = keys[0]!;
const pool: BaselineRun[][] = Array.from({ length: POOL }, (_, p) =>
  Array.from({ length: HISTORY_RUNS }, (_, r) => ({
    runId: `pool-${p}-${r}`,
    createdAt: new Date(Date.UTC(2025, 0, 1 + r)).toISOString(),
    source: {},
    entry: entry(rng, poolKey, 5 * Math.exp(0.01 * (rng.next() - 0.5))),
  })),
);
const entries = keys.map((key, i) => entry(rng, key, i % Math.round(1 / REGRESSED_SHARE) === 0 ? 6 : 5));
const candidate: Results = {
  schemaVersion: 1,
  tool: { name: 'trt-gate', version: 'bench' },
  runId: 'bench',
  createdAt: new Date(0).toISOString(),
  source: {},
  environment: {
    runner: 'tensorrt',
    os: { platform: 'linux', release: '', arch: 'x64' },
    host: { cpuModel: '', cpuCores: 1, memoryBytes: 0 },
    node: process.version,
    runtime: { name: 'tensorrt', version: '10.3.0' },
    device: { kind: 'gpu', name: 'synthetic' },
    details: {},
  },
  config: {},
  entries,
};
const setupMs = performance.now() - t0;

const thresholds = Object.fromEntries(
  Object.entries({
    'latency.p50': { model: 'statistical', minEffectPct: 5 },
    'latency.p99': { model: 'statistical', minEffectPct: 10 },
    'latency.mean': { model: 'statistical', minEffectPct: 5 },
    throughput: { model: 'percentage', maxRegressionPct: 10 },
  }).map(([k, v]) => [k, ThresholdSpec.parse(v)]),
);

interface Measured {
  ms: number;
  renderMs: number;
  renderedChars: number;
  /** Of `ms`, time spent in the simulated store lookups (copying the newest runs' samples). */
  lookupMs: number;
  cpuMs: number;
  peakRss: number;
  startRss: number;
  verdicts: Record<string, number>;
}

async function measure(): Promise<Measured> {
  gc?.();
  const startRss = rss();
  let peakRss = startRss;
  let i = 0;
  let lookupMs = 0;
  const lookup = async (key: BaselineKey): Promise<{ history: BaselineHistory; similar: BaselineKey[] }> => {
    const began = performance.now();
    if ((i++ & 15) === 0) peakRss = Math.max(peakRss, rss());
    // Fresh sample arrays for the runs the gate reads down to samples (the newest few), as a store
    // read would give: nothing cached for one key can be reused for another.
    const runs = pool[i % POOL]!.map((r, n, all) => {
      const latency = r.entry.latency!;
      const fresh =
        n >= all.length - FRESH_RUNS
          ? { ...latency, trials: latency.trials.map((t) => ({ ...t, samples: t.samples.slice() })) }
          : latency;
      return { ...r, entry: { ...r.entry, key, latency: fresh } };
    });
    lookupMs += performance.now() - began;
    return { history: { key, runs }, similar: [] };
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  const report = await compareResults(candidate, lookup, {
    thresholds,
    gate: { failOn: ['regressed', 'failed'], maxRerunTrials: 0 },
  });
  const ms = performance.now() - start;
  // Render what the PR comment and the dashboard page would show for the whole matrix.
  const judged = { ...candidate, comparisons: report.comparisons, gate: report.gate };
  const renderStart = performance.now();
  const md = renderReport('md', judged);
  const json = renderReport('json', judged);
  const renderMs = performance.now() - renderStart;
  const used = process.cpuUsage(cpu);
  peakRss = Math.max(peakRss, rss());
  return {
    ms,
    renderMs,
    renderedChars: md.length + json.length,
    lookupMs,
    cpuMs: (used.user + used.system) / 1000,
    peakRss,
    startRss,
    verdicts: report.gate.counts as Record<string, number>,
  };
}

const cold = await measure();
const warm = await measure();
console.log(
  JSON.stringify({
    entries: entries.length,
    samplesPerEntry: SAMPLES,
    trials: TRIALS,
    historyRuns: HISTORY_RUNS,
    resamples:
      thresholds['latency.p50']!.model === 'statistical' ? thresholds['latency.p50']!.resamples : null,
    setupMs: Math.round(setupMs),
    compareMsCold: Math.round(cold.ms),
    compareMsWarm: Math.round(warm.ms),
    renderMsCold: Math.round(cold.renderMs),
    renderMsWarm: Math.round(warm.renderMs),
    renderedChars: cold.renderedChars,
    lookupMsCold: Math.round(cold.lookupMs),
    // CPU time (user + system, GC threads included): less sensitive to other load on the machine.
    compareCpuMsCold: Math.round(cold.cpuMs),
    compareCpuMsWarm: Math.round(warm.cpuMs),
    msPerEntry: Number((cold.ms / entries.length).toFixed(3)),
    rssBeforeMB: mb(cold.startRss),
    peakRssMB: mb(Math.max(cold.peakRss, warm.peakRss)),
    verdicts: cold.verdicts,
    node: process.version,
    gcExposed: gc !== undefined,
  }),
);
