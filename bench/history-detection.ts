/**
 * How well `trt-gate history` finds steps in a nightly series, against a fixed-threshold rule, on
 * synthetic series with known steps (the detector itself is the real one: src/history/detect.ts).
 *
 * Each series has RUNS nightly p50 values: a level of 2 ms, run-to-run log-normal noise of NOISE %
 * and, with probability SPIKE_P, a one-run spike of +SPIKE % (a noisy neighbour); a step of 0, 2, 5
 * or 10 % starts at run STEP_AT. The nightly job re-analyses the whole series after every run, so:
 * - detection delay: runs from the step (counting the first run after it as 1) until a lasting
 *   regression within ±2 runs of the true step is first reported;
 * - false steps per 1,000 runs: distinct reported (run, direction) steps not within ±2 of a true
 *   step, over every nightly re-analysis, per 1,000 nightly runs.
 * The fixed rule is the usual nightly alert: a run more than FIXED % above the median of the 5 runs
 * before it alerts; its delay is the first alert at or after the step.
 *
 *   [RUNS=60] [STEP_AT=36] [NOISE=1.5] [SPIKE=10] [SPIKE_P=0.03] [FIXED=5] npx tsx bench/history-detection.ts [seriesPerLevel=20]
 */
import { median } from 'simple-statistics';
import { analyseSeries, DEFAULT_HISTORY_OPTIONS } from '../src/history/detect.js';
import type { Series } from '../src/history/series.js';
import type { Entry } from '../src/results/schema.js';
import { summarize } from '../src/stats/summary.js';
import { mulberry32, normalSource } from '../src/util/prng.js';

const perLevel = Number(process.argv[2] ?? 20);
const RUNS = Number(process.env.RUNS ?? 60);
const STEP_AT = Number(process.env.STEP_AT ?? 36);
const NOISE = Number(process.env.NOISE ?? 1.5) / 100;
const SPIKE = Number(process.env.SPIKE ?? 10) / 100;
const SPIKE_P = Number(process.env.SPIKE_P ?? 0.03);
const FIXED = Number(process.env.FIXED ?? 5);
const LEVELS = [0, 2, 5, 10];
/** The nightly job looks again after each run from this many runs on (fewer cannot hold a step). */
const FIRST_LOOK = 8;

function entry(p50: number): Entry {
  const stats = summarize([p50]);
  return {
    id: 'm/fp16/b1',
    model: 'm',
    precision: 'fp16',
    batchSize: 1,
    status: 'ok',
    key: {
      model: 'm',
      precision: 'fp16',
      batchSize: 1,
      runner: 'trtexec',
      device: 'gpu',
      runtime: 'tensorrt 10.3.0',
      optionsHash: 'h',
    },
    latency: { unit: 'ms', trials: [{ samples: [p50], stats, wallMs: p50 }], pooled: stats, source: 'bench' },
    incidents: [],
  };
}

function series(values: number[]): Series {
  return {
    id: 'bench',
    identity: { model: 'm', precision: 'fp16', batchSize: 1, runner: 'trtexec', device: 'gpu' },
    runs: values.map((v, i) => ({
      number: i + 1,
      runId: `r${i + 1}`,
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString(),
      keyId: 'k',
      environment: { runtime: 'tensorrt 10.3.0', optionsHash: 'h', clocks: 'unrecorded' },
      entry: entry(v),
    })),
  };
}

function synth(stepPct: number, seed: number): number[] {
  const uniform = mulberry32(seed);
  const normal = normalSource(uniform);
  return Array.from({ length: RUNS }, (_, i) => {
    const run = i + 1;
    const level = 2 * (run >= STEP_AT ? 1 + stepPct / 100 : 1);
    const spike = uniform() < SPIKE_P ? 1 + SPIKE : 1;
    return level * Math.exp(NOISE * normal()) * spike;
  });
}

interface Outcome {
  delay?: number;
  falseSteps: number;
  nightlyRuns: number;
}

function detector(values: number[], stepPct: number): Outcome {
  const seen = new Set<string>();
  let delay: number | undefined;
  let falseSteps = 0;
  for (let n = FIRST_LOOK; n <= values.length; n++) {
    const h = analyseSeries(series(values.slice(0, n)), {
      ...DEFAULT_HISTORY_OPTIONS,
      metrics: ['latency.p50'],
    });
    for (const s of h.steps) {
      if (s.metric !== 'latency.p50') continue;
      const near = stepPct > 0 && Math.abs(s.atRun - STEP_AT) <= 2;
      if (near && s.kind === 'regression' && delay === undefined) delay = n - STEP_AT + 1;
      const id = `${s.atRun}:${s.kind}`;
      if (!near && !seen.has(id)) {
        seen.add(id);
        falseSteps++;
      }
    }
  }
  return {
    ...(delay !== undefined ? { delay } : {}),
    falseSteps,
    nightlyRuns: values.length - FIRST_LOOK + 1,
  };
}

function fixedRule(values: number[], stepPct: number): Outcome {
  let delay: number | undefined;
  let falseSteps = 0;
  for (let i = 5; i < values.length; i++) {
    const ref = median(values.slice(i - 5, i));
    if ((values[i]! / ref - 1) * 100 <= FIXED) continue;
    const run = i + 1;
    if (stepPct > 0 && run >= STEP_AT) {
      if (delay === undefined) delay = run - STEP_AT + 1;
    } else falseSteps++;
  }
  return { ...(delay !== undefined ? { delay } : {}), falseSteps, nightlyRuns: values.length - 5 };
}

function summarise(outcomes: Outcome[]) {
  const delays = outcomes.flatMap((o) => (o.delay !== undefined ? [o.delay] : []));
  const falseSteps = outcomes.reduce((a, o) => a + o.falseSteps, 0);
  const runs = outcomes.reduce((a, o) => a + o.nightlyRuns, 0);
  return {
    detected: `${delays.length}/${outcomes.length}`,
    delay: delays.length ? `${median(delays)} (max ${Math.max(...delays)})` : '—',
    falsePer1000: ((falseSteps / runs) * 1000).toFixed(1),
  };
}

console.error(
  `series of ${RUNS} nightly runs, step at run ${STEP_AT}, noise ${NOISE * 100} %, spikes +${SPIKE * 100} % with p=${SPIKE_P}; ${perLevel} series per step size`,
);
const rows: string[][] = [];
const started = Date.now();
for (const level of LEVELS) {
  const d: Outcome[] = [];
  const f: Outcome[] = [];
  for (let k = 0; k < perLevel; k++) {
    const values = synth(level, 1000 * level + k + 1);
    d.push(detector(values, level));
    f.push(fixedRule(values, level));
  }
  const a = summarise(d);
  const b = summarise(f);
  rows.push([`${level} %`, a.detected, a.delay, a.falsePer1000, b.detected, b.delay, b.falsePer1000]);
  console.error(`  step ${level} % done (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
console.log(
  `| step | history: detected | delay, runs (median) | false steps / 1,000 runs | fixed ${FIXED} % rule: detected | delay, runs | false alerts / 1,000 runs |`,
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
