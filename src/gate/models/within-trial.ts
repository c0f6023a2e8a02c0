import type { Statistic } from '../metrics.js';
import { hallSheatherBandwidth, isTailPair, orderStatisticPair } from '../numeric.js';

/**
 * Within-trial sampling noise of a statistic, without resampling samples: what the bootstrap's
 * innermost stage (samples within a trial) would give, from its large-n normal limit.
 */

/** Most raw points per run used to estimate the within-trial spread (a stride subsample beyond). */
export const MAX_SUBSAMPLE = 2048;

/**
 * Subsamples already taken: an entry's latency metrics (p50, p99, mean) all read the same samples,
 * so the walk over them happens once per entry. Keyed weakly by the first trial's array and checked
 * against a fingerprint of all trials (count, total, each one's length and end values) rather than
 * by holding the other arrays, which would keep them alive as long as the first one.
 */
const subsamples = new WeakMap<readonly number[], { fingerprint: Float64Array; sub: Float64Array }>();

function fingerprint(trials: ReadonlyArray<readonly number[]>, n: number): Float64Array {
  const out = new Float64Array(2 + 3 * trials.length);
  out[0] = trials.length;
  out[1] = n;
  trials.forEach((t, i) => {
    out[2 + 3 * i] = t.length;
    out[3 + 3 * i] = t[0] ?? 0;
    out[4 + 3 * i] = t[t.length - 1] ?? 0;
  });
  return out;
}

export function subsampleOf(trials: ReadonlyArray<readonly number[]>, n: number): Float64Array {
  const first = trials[0]!;
  const print = fingerprint(trials, n);
  const hit = subsamples.get(first);
  if (hit && hit.fingerprint.length === print.length && hit.fingerprint.every((v, i) => v === print[i])) {
    return hit.sub;
  }
  const sub = strideSubsample(trials, n);
  subsamples.set(first, { fingerprint: print, sub });
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
