import type { Entry } from '../../results/schema.js';
import type { SampledMetric } from '../metrics.js';
import { normalQuantile } from '../numeric.js';
import type { Rng } from '../rng.js';
import { statisticVariance, subsampleOf } from './within-trial.js';

/**
 * The sample-level machinery of the statistical model: a hierarchical bootstrap of
 * log(candidate statistic / baseline statistic) in which each replicate costs O(trials), not
 * O(samples). See statistical.ts for the method as a whole and why.
 */

/** One run reduced to what a replicate needs, on the log scale. */
export interface RunModel {
  /** log of the run's pooled statistic, as stored. */
  logCenter: number;
  /** log of each trial's statistic minus their mean: resampling trials moves the run by these. */
  trialDevs: Float64Array;
  /**
   * √(T/(T−1)) for T ≥ 2 trials, else 1. Resampling T values with replacement gives their mean a
   * variance of s²(T−1)/T², short of s²/T by (T−1)/T — a third too little with 3 trials; scaling the
   * resampled deviations by this restores it (the usual small-sample correction of the bootstrap).
   */
  devScale: number;
  /** Variance of the log statistic due to sampling within trials (normal approximation). */
  withinVar: number;
}

export function runModel(metric: SampledMetric, entry: Entry): RunModel | undefined {
  const center = metric.extract(entry);
  const trials = metric.samples(entry);
  const values = metric.trialValues(entry);
  if (center === undefined || !(center > 0) || !trials || !values) return undefined;
  if (values.length === 0 || values.length !== trials.length) return undefined;
  const logs = new Float64Array(values.length);
  let logMean = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v > 0)) return undefined;
    logs[i] = Math.log(v);
    logMean += logs[i]!;
  }
  logMean /= logs.length;
  for (let i = 0; i < logs.length; i++) logs[i] = logs[i]! - logMean;
  let n = 0;
  for (const t of trials) n += t.length;
  if (n === 0) return undefined;
  const variance = statisticVariance(subsampleOf(trials, n), n, metric.statistic);
  const devScale = logs.length > 1 ? Math.sqrt(logs.length / (logs.length - 1)) : 1;
  return { logCenter: Math.log(center), trialDevs: logs, devScale, withinVar: variance / (center * center) };
}

const NORMAL_TABLE_BITS = 12;
const NORMAL_TABLE_SIZE = 1 << NORMAL_TABLE_BITS;
/** Standard normal quantiles at (k + ½)/size: a draw is one table lookup. */
const NORMAL_TABLE = Float64Array.from({ length: NORMAL_TABLE_SIZE }, (_, k) =>
  normalQuantile((k + 0.5) / NORMAL_TABLE_SIZE),
);

/**
 * Variance of the baseline's log statistic under the resampling scheme — runs resampled, then each
 * picked run's trials (deviations scaled by devScale), then within-trial noise — computed exactly
 * rather than simulated: Var = [popVar(run centers) + mean over runs of s²_trials/T] / R
 * + mean(within) / R. The baseline replicate is a mean over R·T picks, so by the central limit
 * theorem it is close to normal; drawing it as one normal with this variance saves three quarters
 * of the random draws of the full simulation.
 */
export function baselineVariance(baseline: readonly RunModel[]): number {
  const R = baseline.length;
  let mean = 0;
  for (const run of baseline) mean += run.logCenter;
  mean /= R;
  let between = 0;
  let trials = 0;
  let within = 0;
  for (const run of baseline) {
    between += (run.logCenter - mean) ** 2;
    const T = run.trialDevs.length;
    if (T > 1) {
      let ss = 0;
      for (const d of run.trialDevs) ss += d * d;
      trials += ss / (T - 1) / T;
    }
    within += run.withinVar;
  }
  return (between / R + trials / R) / R + within / (R * R);
}

/**
 * `resamples` replicates of log(candidate / baseline). The candidate — one run, a few trials,
 * possibly one slow trial — is resampled for real: its trials with replacement (deviations scaled
 * by devScale), plus its within-trial noise. The baseline (geometric mean of its runs) enters as a
 * normal draw with the variance its resampling would have (baselineVariance). Writes into `out`
 * when it is long enough (saving an allocation per metric), else into a new array.
 */
export function bootstrapLogRatio(
  candidate: RunModel,
  baseline: readonly RunModel[],
  resamples: number,
  rng: Rng,
  out?: Float64Array,
): Float64Array {
  const reps = out && out.length >= resamples ? out.subarray(0, resamples) : new Float64Array(resamples);
  const devs = candidate.trialDevs;
  const T = devs.length;
  const scale = candidate.devScale / T;
  let baseCenter = 0;
  for (const run of baseline) baseCenter += run.logCenter;
  const center = candidate.logCenter - baseCenter / baseline.length;
  const sd = Math.sqrt(candidate.withinVar + baselineVariance(baseline));
  // Each 32-bit draw is split into two 16-bit halves, one per pick: half the generator calls. A
  // pick ⌊h·T/2¹⁶⌋ is biased by at most T/2¹⁶ (< 0.01% for 5 trials), far below resampling noise.
  let spare = -1;
  const draw16 = (): number => {
    if (spare >= 0) {
      const h = spare;
      spare = -1;
      return h;
    }
    const u = rng.uint32();
    spare = u >>> 16;
    return u & 0xffff;
  };
  for (let b = 0; b < resamples; b++) {
    let c = 0;
    if (T > 1) {
      for (let i = 0; i < T; i++) c += devs[(draw16() * T) >>> 16]!;
    }
    const h = draw16();
    reps[b] = center + c * scale + sd * NORMAL_TABLE[h >>> (16 - NORMAL_TABLE_BITS)]!;
  }
  return reps;
}
