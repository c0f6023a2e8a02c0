/**
 * How well the gate tells a real slowdown from noise, on real runs of a shipped model:
 * - A/A: the unchanged model against a history of its own earlier runs → false-alarm rate;
 * - A/B: the model slowed by 5 %, 10 %, 20 % (a busy-loop inside the runner's timed region,
 *   bench-only) against the same history → detection rate;
 * side by side with a plain fixed-percentage rule (p50 more than 5 % above the latest baseline
 * run) on the same samples. Runs are interleaved round-robin so machine drift hits every arm.
 *
 * PIN=1 pins the process to CPU 1 (what runner.cpuAffinity does); PIN=interleave alternates, round
 * by round, between all CPUs and CPU 1, so pinned and unpinned are compared side by side.
 *
 *   [PIN=1|interleave] [BATCH=1] [TRIALS=10] [ITER=60] npx tsx bench/gate-detection.ts [rounds=60] [historyRuns=5]
 */
import { availableParallelism } from 'node:os';
import { compareEntry } from '../src/gate/compare.js';
import type { Entry } from '../src/results/schema.js';
import { pinProcess } from '../src/runners/onnxruntime/affinity.js';
import { OnnxRuntimeOptions } from '../src/runners/onnxruntime/options.js';
import { loadOnnxRuntime } from '../src/runners/onnxruntime/ort.js';
import { OnnxRuntimeRunner } from '../src/runners/onnxruntime/runner.js';
import type { BuiltEngine } from '../src/runners/types.js';
import type { BaselineHistory } from '../src/store/types.js';
import { latencyThresholds, TinyCnnBench } from './lib/tinycnn.js';

const rounds = Number(process.argv[2] ?? 60);
const historyRuns = Number(process.argv[3] ?? 5);
const plan = {
  warmup: 30,
  iterations: Number(process.env.ITER ?? 60),
  minDurationMs: 0,
  trials: Number(process.env.TRIALS ?? 10),
};
const levels = [0, 5, 10, 20] as const;
const FIXED_RULE_PCT = 5;

const bench = await TinyCnnBench.create(Number(process.env.BATCH ?? 1), 'trt-gate-detect-');
const arms = new Map<number, { runner: OnnxRuntimeRunner; engine: BuiltEngine }>();
for (const pct of levels) {
  const runner = new OnnxRuntimeRunner(await loadOnnxRuntime(), OnnxRuntimeOptions.parse({}), {
    injectSlowdownPct: pct,
  });
  arms.set(pct, { runner, engine: await bench.engine(runner) });
}
const key = bench.key;

async function measure(pct: number, round: number): Promise<Entry> {
  const arm = arms.get(pct)!;
  return bench.entry(await arm.runner.benchmark(arm.engine, plan, bench.feeds, () => {}), `round ${round}`);
}

const allCpus = `0-${availableParallelism() - 1}`;
const modes: Array<{ name: string; cpus?: string }> =
  process.env.PIN === 'interleave'
    ? [
        { name: `not pinned (${allCpus})`, cpus: allCpus },
        { name: 'pinned (CPU 1)', cpus: '1' },
      ]
    : process.env.PIN
      ? [{ name: `pinned (CPU ${process.env.PIN})`, cpus: process.env.PIN }]
      : [{ name: 'not pinned' }];

// Round-robin: every round measures, in each mode, the unchanged model (A) and each slowed arm.
const runs = new Map<string, Entry[]>();
const armKey = (mode: string, pct: number) => `${mode}:${pct}`;
const started = performance.now();
for (let r = 0; r < rounds + historyRuns; r++) {
  for (const mode of modes) {
    if (mode.cpus) await pinProcess(mode.cpus);
    for (const pct of levels) {
      const slot = armKey(mode.name, pct);
      runs.set(slot, [...(runs.get(slot) ?? []), await measure(pct, r)]);
    }
  }
  if ((r + 1) % 10 === 0) process.stderr.write(`round ${r + 1}/${rounds + historyRuns}\n`);
}
const measureSec = (performance.now() - started) / 1000;

const latencyOnly = latencyThresholds();

function history(mode: string, upTo: number): BaselineHistory {
  const a = runs.get(armKey(mode, 0))!;
  return {
    key,
    runs: a.slice(upTo - historyRuns, upTo).map((entry, i) => ({
      runId: `a-${upTo - historyRuns + i}`,
      createdAt: new Date(1_700_000_000_000 + (upTo - historyRuns + i) * 1000).toISOString(),
      source: {},
      entry,
    })),
  };
}

const table: Array<Record<string, string | number>> = [];
for (const mode of modes.map((m) => m.name))
  for (const pct of levels) {
    let gateRegressed = 0;
    let gateInconclusive = 0;
    let fixedRegressed = 0;
    let p50Regressed = 0;
    let p50Inconclusive = 0;
    let n = 0;
    for (let i = historyRuns; i < rounds + historyRuns; i++) {
      const h = history(mode, i);
      // A/A: the next A run (not in the window); A/B: the slowed arm measured in the same round.
      const candidate = runs.get(armKey(mode, pct))![i]!;
      const cmp = compareEntry(candidate, h, [], latencyOnly, { seed: i });
      if (cmp.verdict === 'regressed') gateRegressed++;
      if (cmp.verdict === 'inconclusive') gateInconclusive++;
      const p50 = cmp.metrics.find((m) => m.metric === 'latency.p50');
      if (p50?.verdict === 'regressed') p50Regressed++;
      if (p50?.verdict === 'inconclusive') p50Inconclusive++;
      if (process.env.TRACE)
        console.log(
          pct,
          cmp.metrics
            .map(
              (m) =>
                `${m.metric} ${m.verdict} ${m.deltaPct?.toFixed(1)} [${m.intervalPct?.map((x) => x.toFixed(1))}] noise ${m.noisePct?.toFixed(1)}`,
            )
            .join(' | '),
        );
      const latest = h.runs.at(-1)!.entry.latency!.pooled.median;
      if (candidate.latency!.pooled.median > latest * (1 + FIXED_RULE_PCT / 100)) fixedRegressed++;
      n++;
    }
    table.push({
      mode,
      arm: pct === 0 ? 'A/A (unchanged)' : `A/B +${pct}%`,
      comparisons: n,
      gateRegressed: `${((100 * gateRegressed) / n).toFixed(1)}%`,
      gateInconclusive: `${((100 * gateInconclusive) / n).toFixed(1)}%`,
      p50Regressed: `${((100 * p50Regressed) / n).toFixed(1)}%`,
      p50Inconclusive: `${((100 * p50Inconclusive) / n).toFixed(1)}%`,
      fixedRule5pct: `${((100 * fixedRegressed) / n).toFixed(1)}%`,
    });
  }
console.table(table);
console.log(
  JSON.stringify({
    rounds,
    historyRuns,
    plan,
    measureSec: Number(measureSec.toFixed(1)),
    thresholds: latencyOnly,
  }),
);
for (const { runner } of arms.values()) await runner.close();
