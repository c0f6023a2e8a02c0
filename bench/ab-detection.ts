/**
 * Gate quality of the same-job A/B mode, side by side with the history mode, in one run, on real
 * models: tinycnn (the shipped fp32 file) against seeded slower variants of it (extra layers,
 * written by bench/lib/tinycnn.ts from the quickstart's model generator, byte for byte the same
 * each run) — nominally +2, +3, +5, +10, +20 % — and against itself (A/A). The effect each variant
 * really has on this machine is measured too (the median A/B estimate over the quiet period).
 *
 * Each round, in a quiet and a busy period (the busy one made by this bench: one process per core
 * bursting 5–50 ms on, 5–50 ms off; paused during the quiet period), for every arm:
 * - history: one 10 × 60 run of the arm, judged by the statistical latency.p50 threshold against
 *   the `historyRuns` preceding unchanged runs of the same period;
 * - A/B: one adaptive comparison as `run --against` makes it (fresh base, A/A control and candidate
 *   sessions, interleaved rounds, paired statistics; src/ab/).
 * Both methods use the same minimum effect (AB_MIN_EFFECT, default 2 %). Progress goes to stderr;
 * the table so far is rewritten after every round to BENCH_OUT (default /tmp/ab-detection.json).
 *
 *   [BATCH=1] [AB_MIN_EFFECT=2] [AB_MAX_PAIRS=150] [AB_MAX_SECONDS=20] [AB_INTERLEAVE=inference,block]
 *   [AB_ARMS=A/A,+3%,+5%,+10%] [AB_RELOAD=cycle|never]
 *   [PERIODS=quiet,busy] [BENCH_OUT=file] npx tsx bench/ab-detection.ts [rounds=60] [historyRuns=5]
 */
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { adaptiveEntry, runAdaptive } from '../src/ab/adaptive.js';
import type { Arm, ArmName, BlockPlan } from '../src/ab/interleave.js';
import { judgePaired } from '../src/ab/paired.js';
import { BalancedSchedule } from '../src/ab/schedule.js';
import { TrtGateConfig } from '../src/config/schema.js';
import { compareEntry } from '../src/gate/compare.js';
import { median, quantileInPlace } from '../src/gate/numeric.js';
import { deriveRng } from '../src/gate/rng.js';
import type { Entry } from '../src/results/schema.js';
import { OnnxRuntimeOptions } from '../src/runners/onnxruntime/options.js';
import { loadOnnxRuntime } from '../src/runners/onnxruntime/ort.js';
import { OnnxRuntimeRunner } from '../src/runners/onnxruntime/runner.js';
import { BackgroundLoad } from './lib/background-load.js';
import { latencyThresholds, SHIPPED_TINYCNN, TinyCnnBench } from './lib/tinycnn.js';

const rounds = Number(process.argv[2] ?? 60);
const historyRuns = Number(process.argv[3] ?? 5);
const minEffectPct = Number(process.env.AB_MIN_EFFECT ?? 2);
const periods = (process.env.PERIODS ?? 'quiet,busy').split(',') as Array<'quiet' | 'busy'>;
const interleaves = (process.env.AB_INTERLEAVE ?? 'inference').split(',') as Array<'inference' | 'block'>;
const out = process.env.BENCH_OUT ?? '/tmp/ab-detection.json';
const reloadSessions = (process.env.AB_RELOAD ?? 'cycle') as 'cycle' | 'never';
const historyPlan = { warmup: 30, iterations: 60, minDurationMs: 0, trials: 10 };
const ab = TrtGateConfig.shape.ab.parse(undefined);
const budget = {
  minPairs: ab.minPairs,
  maxPairs: Number(process.env.AB_MAX_PAIRS ?? ab.maxPairs),
  maxSeconds: Number(process.env.AB_MAX_SECONDS ?? 20),
};

const bench = await TinyCnnBench.create(Number(process.env.BATCH ?? 1), 'trt-gate-ab-detect-');
/**
 * Slowdowns and the variant that makes each: extra 1×1 convolutions (a fixed per-node cost at
 * batch 1) chosen so the effect measured on this VM is near the label (4 → ≈ +2 %, 8 → ≈ +3 %,
 * 32 → ≈ +5 %), the shipped tinycnn-slower10 (≈ +11 %) and two 3×3 convolutions of 16 channels
 * (≈ +15 %). The effect each really has is measured in every run and reported beside the label.
 * AB_ARMS picks a subset (e.g. `A/A,+3%,+5%,+10%` when time is short).
 */
const ALL_ARMS = [
  { name: 'A/A', file: SHIPPED_TINYCNN },
  { name: '+2%', file: await bench.variantFile('p4', { extraPointwise: 4 }) },
  { name: '+3%', file: await bench.variantFile('p8', { extraPointwise: 8 }) },
  { name: '+5%', file: await bench.variantFile('p32', { extraPointwise: 32 }) },
  { name: '+10%', file: 'examples/quickstart/models/tinycnn-slower10-fp32.onnx' },
  { name: '+20%', file: await bench.variantFile('c16', { extraConv: 16 }) },
];
const picked = process.env.AB_ARMS?.split(',');
const ARMS = ALL_ARMS.filter((a) => a.name === 'A/A' || !picked || picked.includes(a.name));
const runner = new OnnxRuntimeRunner(await loadOnnxRuntime(), OnnxRuntimeOptions.parse({}));
const thresholds = latencyThresholds(minEffectPct);

interface AbOutcome {
  verdict: string;
  pairs: number;
  seconds: number;
  deltaPct: number | null;
  aaNoise: number | null;
  stopped: string;
}

/** One comparison as a job makes it: fresh sessions for every arm, released after. */
async function abComparison(
  file: string,
  interleave: BlockPlan['interleave'],
  seed: string,
): Promise<AbOutcome> {
  // Built, and put in the arms, in the order `run --against` uses (src/ab/run.ts): the candidate,
  // the base, the A/A control. The order matters: the first session built in a process measured
  // 0.3–0.8 % slower than the next ones here.
  const engines = [await bench.engine(runner, file), await bench.engine(runner), await bench.engine(runner)];
  const [candidate, base, control] = engines.map((engine): Arm => ({ runner, engine, feeds: bench.feeds }));
  const arms = new Map<ArmName, Arm>([
    ['base', base!],
    ['candidate', candidate!],
    ['control', control!],
  ]);
  const e = adaptiveEntry(
    'tinycnn',
    arms,
    new BalancedSchedule<ArmName>([...arms.keys()], deriveRng(0, seed)),
    (s) => judgePaired({ ab: s.ab, aa: s.aa, minEffectPct, confidence: 0.99, direction: 'lower' }),
  );
  const plan = {
    warmup: ab.blockWarmup,
    iterations: ab.blockIterations,
    minDurationMs: 0,
    interleave,
    reload: reloadSessions,
  };
  await runAdaptive([e], budget, plan, () => performance.now());
  for (const engine of engines) await runner.release(engine);
  return {
    verdict: e.judgement!.verdict,
    pairs: e.series.pairs,
    seconds: e.series.spentMs / 1000,
    deltaPct: e.judgement!.deltaPct,
    aaNoise: e.judgement!.aa?.noisePct ?? null,
    stopped: e.stopped ?? 'time-budget',
  };
}

async function historyRun(file: string, round: number): Promise<Entry> {
  const engine = await bench.engine(runner, file);
  const outcome = await runner.benchmark(engine, historyPlan, bench.feeds, () => {});
  await runner.release(engine);
  return bench.entry(outcome, `round ${round}`);
}

const history = new Map<string, Entry[]>(periods.map((p) => [p, []]));
const histOut = new Map<string, Array<{ verdict: string; deltaPct: number | null }>>();
const abOut = new Map<string, AbOutcome[]>();
const load = new Map<string, number[]>(periods.map((p) => [p, []]));
const push = <T>(m: Map<string, T[]>, k: string, v: T) => m.set(k, [...(m.get(k) ?? []), v]);
const started = performance.now();
const background = periods.includes('busy') ? new BackgroundLoad(1) : undefined;
if (background) background.busy = false;
// Stopped early (the table so far is in BENCH_OUT): take the bursting processes down too.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    background?.stop();
    process.exit(130);
  });
try {
  for (let r = 0; r < rounds + historyRuns; r++) {
    const judged = r >= historyRuns;
    for (const period of periods) {
      if (background) background.busy = period === 'busy';
      load.get(period)!.push(loadavg()[0]!);
      const window = history
        .get(period)!
        .slice(-historyRuns)
        .map((entry, i) => ({
          runId: `h${i}`,
          createdAt: new Date(1_700_000_000_000 + i).toISOString(),
          source: {},
          entry,
        }));
      // The first historyRuns rounds only fill the history window: unchanged runs alone.
      for (const arm of judged ? ARMS : ARMS.slice(0, 1)) {
        const run = await historyRun(arm.file, r);
        if (judged) {
          const cmp = compareEntry(run, { key: bench.key, runs: window }, [], thresholds, { seed: r });
          const p50 = cmp.metrics.find((m) => m.metric === 'latency.p50');
          push(histOut, `${period}:${arm.name}`, { verdict: cmp.verdict, deltaPct: p50?.deltaPct ?? null });
          for (const il of interleaves)
            push(
              abOut,
              `${period}:${arm.name}:${il}`,
              await abComparison(arm.file, il, `${r}:${period}:${arm.name}:${il}`),
            );
        }
        if (arm.file === SHIPPED_TINYCNN) history.get(period)!.push(run);
      }
    }
    const elapsed = (performance.now() - started) / 1000;
    process.stderr.write(
      `round ${r + 1}/${rounds + historyRuns} (${elapsed.toFixed(0)} s, load ${loadavg()[0]!.toFixed(1)})\n`,
    );
    if (judged) await writeFile(out, `${JSON.stringify(summary(elapsed), null, 1)}\n`);
  }
} finally {
  background?.stop();
  await runner.close();
}
const final = summary((performance.now() - started) / 1000);
await writeFile(out, `${JSON.stringify(final, null, 1)}\n`);
console.log(markdown(final.rows));
console.log(JSON.stringify({ ...final, rows: undefined }));

function summary(seconds: number) {
  const pctOf = (xs: string[], ...v: string[]) => (100 * xs.filter((x) => v.includes(x)).length) / xs.length;
  const rows: Array<Record<string, string | number>> = [];
  for (const period of periods)
    for (const arm of ARMS) {
      const h = histOut.get(`${period}:${arm.name}`) ?? [];
      if (h.length === 0) continue;
      const alarm = arm.name === 'A/A' ? ['regressed', 'improved'] : ['regressed'];
      const row: Record<string, string | number> = {
        period,
        arm: arm.name,
        n: h.length,
        'history: regressed': pctOf(
          h.map((x) => x.verdict),
          ...alarm,
        ),
        'history: inconclusive': pctOf(
          h.map((x) => x.verdict),
          'inconclusive',
        ),
      };
      for (const il of interleaves) {
        const o = abOut.get(`${period}:${arm.name}:${il}`) ?? [];
        const v = o.map((x) => x.verdict);
        const tag = interleaves.length > 1 ? `A/B (${il})` : 'A/B';
        row[`${tag}: regressed`] = pctOf(v, ...alarm);
        row[`${tag}: inconclusive`] = pctOf(v, 'inconclusive');
        row[`${tag}: effect measured (median)`] = median(o.map((x) => x.deltaPct ?? Number.NaN));
        row[`${tag}: stopped futile`] = pctOf(
          o.map((x) => x.stopped),
          'futile',
        );
        row[`${tag}: stopped by budget`] = pctOf(
          o.map((x) => x.stopped),
          'time-budget',
          'max-pairs',
        );
        row[`${tag}: pairs (median)`] = median(o.map((x) => x.pairs));
        row[`${tag}: pairs (p90)`] = quantileInPlace(
          Float64Array.from(o, (x) => x.pairs),
          0.9,
        );
        row[`${tag}: s to verdict (median)`] = median(o.map((x) => x.seconds));
        row[`${tag}: s to verdict (p90)`] = quantileInPlace(
          Float64Array.from(o, (x) => x.seconds),
          0.9,
        );
        row[`${tag}: A/A noise (median)`] = median(o.map((x) => x.aaNoise ?? Number.NaN));
      }
      rows.push(row);
    }
  const loadOf = (p: string) => ({ median: median(load.get(p)!), max: Math.max(...load.get(p)!) });
  return {
    rounds,
    historyRuns,
    batch: bench.batch,
    minEffectPct,
    budget,
    reload: reloadSessions,
    block: { warmup: ab.blockWarmup, iterations: ab.blockIterations },
    seconds: Math.round(seconds),
    loadAverage: Object.fromEntries(periods.map((p) => [p, loadOf(p)])),
    rows,
  };
}

function markdown(rows: Array<Record<string, string | number>>): string {
  const cols = Object.keys(rows[0] ?? {});
  const cell = (v: string | number | undefined) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : (v ?? '');
  return [
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(' | ')} |`),
  ].join('\n');
}
