import type { Entry } from '../../results/schema.js';
import type { SampledMetric, Statistic } from '../metrics.js';
import { hallSheatherBandwidth, isTailPair, normalQuantile, orderStatisticPair } from '../numeric.js';
import type { Rng } from '../rng.js';

/**
 * The sample-level machinery of the statistical model: a hierarchical bootstrap of
 * log(candidate statistic / baseline statistic) in which each replicate costs O(trials), not
 * O(samples). See statistical.ts for the method as a whole and why.
 */

/** Most raw points per run used to estimate the within-trial spread (a stride subsample beyond). */
export const MAX_SUBSAMPLE = 2048;

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

/**
 * Subsamples already taken, keyed by the first trial's sample array and checked against every
 * trial's array: an entry's latency metrics (p50, p99, mean) all read the same samples, so the walk
 * over them happens once per entry. Weak, so it holds nothing once the entry is gone.
 */
const subsamples = new WeakMap<
  readonly number[],
  { trials: ReadonlyArray<readonly number[]>; sub: Float64Array }
>();

function subsampleOf(trials: ReadonlyArray<readonly number[]>, n: number): Float64Array {
  const first = trials[0]!;
  const hit = subsamples.get(first);
  if (hit && hit.trials.length === trials.length && hit.trials.every((t, i) => t === trials[i]))
    return hit.sub;
  const sub = strideSubsample(trials, n);
  subsamples.set(first, { trials: [...trials], sub });
  return sub;
}

/** Scratch space for selection, which reorders: the cached subsample itself stays untouched. */
const scratch = new Float64Array(MAX_SUBSAMPLE);

/**
 * How many of the subsample's points a statistic needs. A central quantile's sparsity comes from a
 * wide window (±0.1 in probability at 512 points, ~100 order statistics) and the mean's spread
 * settles by 1,024; a tail quantile's window is narrow (±0.007 around p99), so it takes all
 * MAX_SUBSAMPLE points to have ~30 order statistics in it.
 */
function pointsFor(statistic: Statistic): number {
  if (statistic.kind === 'mean') return 1024;
  return Math.min(statistic.p, 1 - statistic.p) >= 0.1 ? 512 : MAX_SUBSAMPLE;
}

/**
 * Every (n/m)-th point of the trials taken as one sequence, m = min(n, MAX_SUBSAMPLE). Systematic
 * rather than random, so it needs no random numbers and is the same however often it is taken.
 */
export function strideSubsample(trials: ReadonlyArray<readonly number[]>, n: number): Float64Array {
  const m = Math.min(n, MAX_SUBSAMPLE);
  const out = new Float64Array(m);
  if (m === n) {
    let k = 0;
    for (const t of trials) for (const x of t) out[k++] = x;
    return out;
  }
  const step = n / m;
  let t = 0;
  let offset = 0;
  for (let i = 0; i < m; i++) {
    const g = Math.floor((i + 0.5) * step);
    while (g >= offset + trials[t]!.length) offset += trials[t++]!.length;
    out[i] = trials[t]![g - offset]!;
  }
  return out;
}

/**
 * Sampling variance of the statistic over n points, estimated from the (sub)sample `sub`, thinned
 * further to what the statistic needs (pointsFor):
 * mean → s²/n; quantile q → q(1−q)·(dQ/dp)²/n, the asymptotic variance of a sample quantile, with
 * the sparsity dQ/dp read off two order statistics a Hall–Sheather bandwidth either side of q.
 * This is the distribution resampling points within a trial would give, without resampling them.
 */
export function statisticVariance(sub: Float64Array, n: number, statistic: Statistic): number {
  const m = Math.min(sub.length, pointsFor(statistic));
  if (m < 2) return 0;
  const step = sub.length / m;
  if (statistic.kind === 'mean') {
    // One pass, shifted by the first value against cancellation.
    const shift = sub[0]!;
    let sum = 0;
    let sq = 0;
    let at = 0;
    for (let i = 0; i < m; i++, at += step) {
      const x = sub[at | 0]! - shift;
      sum += x;
      sq += x * x;
    }
    return Math.max(0, (sq - (sum * sum) / m) / (m - 1)) / n;
  }
  const q = statistic.p;
  const h = Math.max(hallSheatherBandwidth(m, q), 1 / m);
  let kLo = Math.round(Math.max(0, q - h) * (m - 1));
  let kHi = Math.round(Math.min(1, q + h) * (m - 1));
  if (kHi === kLo) {
    if (kHi < m - 1) kHi++;
    else kLo--;
  }
  let work: Float64Array;
  if (m === sub.length && isTailPair(m, kLo, kHi)) {
    work = sub; // read in one pass, not reordered
  } else {
    work = scratch.subarray(0, m);
    if (m === sub.length) work.set(sub);
    else for (let i = 0, at = 0; i < m; i++, at += step) work[i] = sub[at | 0]!;
  }
  const [xLo, xHi] = orderStatisticPair(work, kLo, kHi);
  const sparsity = ((xHi - xLo) * (m - 1)) / (kHi - kLo);
  return (q * (1 - q) * sparsity * sparsity) / n;
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
  for (let b = 0; b < resamples; b++) {
    let c = 0;
    let h: number;
    if (T > 1) {
      for (let i = 0; i < T; i++) {
        if (spare >= 0) {
          h = spare;
          spare = -1;
        } else {
          const u = rng.uint32();
          h = u & 0xffff;
          spare = u >>> 16;
        }
        c += devs[(h * T) >>> 16]!;
      }
    }
    if (spare >= 0) {
      h = spare;
      spare = -1;
    } else {
      const u = rng.uint32();
      h = u & 0xffff;
      spare = u >>> 16;
    }
    reps[b] = center + c * scale + sd * NORMAL_TABLE[h >>> (16 - NORMAL_TABLE_BITS)]!;
  }
  return reps;
}
