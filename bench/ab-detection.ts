/**
 * Gate quality of the same-job A/B mode, side by side with the history mode, in one run on real
 * runs of a shipped model (tinycnn-fp32). Every round, for each slowdown level (0 = A/A, then 2, 3,
 * 5, 10, 20 %: a busy-wait inside the runner's timed region, bench-only):
 * - history: one 10-trial run of the slowed arm, judged by the default statistical latency.p50
 *   threshold against the preceding `historyRuns` unchanged runs (as bench/gate-detection.ts);
 * - A/B: one adaptive A/B comparison in this process — base, A/A control and candidate sessions in
 *   interleaved blocks, judged on the pairs (src/ab/) — at each minimum effect in AB_MIN_EFFECT.
 * Both modes of one round run back to back, so a busy period hits both.
 *
 *   [BATCH=1] [AB_MIN_EFFECT=5] [AB_MAX_PAIRS=150] [AB_MAX_SECONDS=30] npx tsx bench/ab-detection.ts [rounds=60] [historyRuns=5]
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adaptiveEntry, runAdaptive } from '../src/ab/adaptive.js';
import type { Arm, ArmName } from '../src/ab/interleave.js';
import { judgePaired } from '../src/ab/paired.js';
import { BalancedSchedule } from '../src/ab/schedule.js';
import { InputSpec, TrtGateConfig } from '../src/config/schema.js';
import { compareEntry } from '../src/gate/compare.js';
import { median } from '../src/gate/numeric.js';
import { deriveRng } from '../src/gate/rng.js';
import { InputSource, withBatch } from '../src/inputs/generate.js';
import { latencyOf } from '../src/pipeline/measurements.js';
import type { Entry } from '../src/results/schema.js';
import { OnnxRuntimeOptions } from '../src/runners/onnxruntime/options.js';
import { loadOnnxRuntime } from '../src/runners/onnxruntime/ort.js';
import { OnnxRuntimeRunner } from '../src/runners/onnxruntime/runner.js';
import type { BuiltEngine } from '../src/runners/types.js';
import { summarize } from '../src/stats/summary.js';

const rounds = Number(process.argv[2] ?? 60);
const historyRuns = Number(process.argv[3] ?? 5);
const levels = [0, 2, 3, 5, 10, 20];
const minEffects = (process.env.AB_MIN_EFFECT ?? '5').split(',').map(Number);
const batch = Number(process.env.BATCH ?? 1);
const historyPlan = { warmup: 30, iterations: 60, minDurationMs: 0, trials: 10 };
const ab = TrtGateConfig.shape.ab.parse(undefined);
const blockPlan = { warmup: ab.blockWarmup, iterations: ab.blockIterations, minDurationMs: 0 };
const budget = {
  minPairs: ab.minPairs,
  maxPairs: Number(process.env.AB_MAX_PAIRS ?? 150),
  maxSeconds: Number(process.env.AB_MAX_SECONDS ?? 30),
};

const input = withBatch(InputSpec.parse({ name: 'image', shape: [1, 3, 32, 32] }), batch);
const feeds = await new InputSource([input], (p) => p).sample(0);
const workDir = await mkdtemp(join(tmpdir(), 'trt-gate-ab-detect-'));
let built = 0;
async function engine(runner: OnnxRuntimeRunner): Promise<BuiltEngine> {
  return runner.build(
    {
      model: 'tinycnn',
      precision: 'fp32',
      batchSize: batch,
      onnxPath: 'examples/quickstart/models/tinycnn-fp32.onnx',
      inputs: [input],
      workDir: join(workDir, String(built++)),
    },
    () => {},
  );
}
const baseRunner = new OnnxRuntimeRunner(await loadOnnxRuntime(), OnnxRuntimeOptions.parse({}));
const base = await engine(baseRunner);
const control = await engine(baseRunner);
const slowed = new Map<number, { runner: OnnxRuntimeRunner; engine: BuiltEngine }>();
for (const pct of levels) {
  const runner = new OnnxRuntimeRunner(await loadOnnxRuntime(), OnnxRuntimeOptions.parse({}), {
    injectSlowdownPct: pct,
  });
  slowed.set(pct, { runner, engine: await engine(runner) });
}

const key = {
  model: 'tinycnn',
  precision: 'fp32' as const,
  batchSize: batch,
  runner: 'onnxruntime',
  device: 'bench',
  runtime: 'bench',
  optionsHash: 'bench',
};
async function historyRun(pct: number): Promise<Entry> {
  const arm = slowed.get(pct)!;
  const out = await arm.runner.benchmark(arm.engine, historyPlan, feeds, () => {});
  const trials = out.trials.map((samples, i) => ({
    samples,
    stats: summarize(samples),
    wallMs: out.wallMs[i]!,
  }));
  return {
    id: 'tinycnn',
    model: 'tinycnn',
    precision: 'fp32',
    batchSize: batch,
    status: 'ok',
    key,
    latency: latencyOf(trials, 'bench'),
    incidents: [],
  };
}

interface AbOutcome {
  verdict: string;
  pairs: number;
  seconds: number;
  aaNoise: number | null;
}
async function abComparison(pct: number, minEffectPct: number, seed: string): Promise<AbOutcome> {
  const cand = slowed.get(pct)!;
  const arms = new Map<ArmName, Arm>([
    ['base', { runner: baseRunner, engine: base, feeds }],
    ['control', { runner: baseRunner, engine: control, feeds }],
    ['candidate', { runner: cand.runner, engine: cand.engine, feeds }],
  ]);
  const e = adaptiveEntry(
    'tinycnn',
    arms,
    new BalancedSchedule<ArmName>([...arms.keys()], deriveRng(0, seed)),
    (s) => judgePaired({ ab: s.ab, aa: s.aa, minEffectPct, confidence: 0.99, direction: 'lower' }),
  );
  await runAdaptive([e], budget, blockPlan, () => performance.now());
  return {
    verdict: e.judgement!.verdict,
    pairs: e.series.pairs,
    seconds: e.series.spentMs / 1000,
    aaNoise: e.judgement!.aa?.noisePct ?? null,
  };
}

const history: Entry[] = [];
const histOut = new Map<number, string[]>();
const abOut = new Map<string, AbOutcome[]>();
const started = performance.now();
const thresholds = TrtGateConfig.shape.thresholds.parse(undefined);
const latencyOnly = Object.fromEntries(Object.entries(thresholds).filter(([k]) => k.startsWith('latency.')));
for (let r = 0; r < rounds + historyRuns; r++) {
  const judged = r >= historyRuns;
  const window = history.slice(-historyRuns).map((entry, i) => ({
    runId: `h${i}`,
    createdAt: new Date(1_700_000_000_000 + i).toISOString(),
    source: {},
    entry,
  }));
  for (const pct of levels) {
    const run = await historyRun(pct);
    if (judged) {
      const cmp = compareEntry(run, { key, runs: window }, [], latencyOnly, { seed: r });
      histOut.set(pct, [...(histOut.get(pct) ?? []), cmp.verdict]);
      for (const m of minEffects) {
        const slot = `${pct}:${m}`;
        abOut.set(slot, [...(abOut.get(slot) ?? []), await abComparison(pct, m, `${r}:${pct}:${m}`)]);
      }
    }
    if (pct === 0) history.push(run);
  }
  process.stderr.write(
    `round ${r + 1}/${rounds + historyRuns} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
  );
}

const share = (xs: string[], v: string) =>
  `${((100 * xs.filter((x) => x === v).length) / xs.length).toFixed(1)}%`;
const rows: Array<Record<string, string | number>> = [];
for (const pct of levels) {
  const h = histOut.get(pct)!;
  const row: Record<string, string | number> = {
    arm: pct === 0 ? 'A/A' : `+${pct}%`,
    n: h.length,
    'history regressed': share(h, 'regressed'),
    'history inconclusive': share(h, 'inconclusive'),
  };
  for (const m of minEffects) {
    const o = abOut.get(`${pct}:${m}`)!;
    const v = o.map((x) => x.verdict);
    row[`A/B@${m}% regressed`] = share(v, 'regressed');
    row[`A/B@${m}% inconclusive`] = share(v, 'inconclusive');
    row[`A/B@${m}% pairs (median)`] = median(o.map((x) => x.pairs));
    row[`A/B@${m}% s to verdict (median)`] = median(o.map((x) => x.seconds)).toFixed(2);
    row[`A/B@${m}% A/A noise (median)`] = `${median(o.map((x) => x.aaNoise ?? Number.NaN)).toFixed(1)}%`;
  }
  rows.push(row);
}
console.table(rows);
console.log(
  JSON.stringify({
    rounds,
    historyRuns,
    batch,
    budget,
    blockPlan,
    minEffects,
    seconds: Number(((performance.now() - started) / 1000).toFixed(0)),
  }),
);
console.log(JSON.stringify(rows));
await baseRunner.close();
for (const { runner } of slowed.values()) await runner.close();
