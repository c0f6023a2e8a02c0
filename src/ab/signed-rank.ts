import { normalQuantile } from '../gate/numeric.js';

/**
 * Location of paired differences: the Hodges–Lehmann estimate (median of the Walsh averages
 * (dᵢ + dⱼ)/2, i ≤ j) and the distribution-free confidence interval that inverts the Wilcoxon
 * signed-rank test (Hollander & Wolfe, ch. 3). It assumes only that the differences are
 * independent and symmetric about their centre — true enough for log ratios of block medians
 * measured in a randomized order — and, unlike a bootstrap over a dozen pairs, keeps its coverage
 * at small n. Exact signed-rank distribution up to EXACT_MAX_N pairs, normal approximation above.
 */

export interface LocationInterval {
  /** Hodges–Lehmann estimate of the centre. */
  estimate: number;
  /** null when too few pairs for this confidence (the interval would be unbounded). */
  interval: [number, number] | null;
  n: number;
}

const EXACT_MAX_N = 300;

/**
 * The largest k ≥ 0 with P(T ≤ k − 1) ≤ α/2 under H0 (T the signed-rank statistic of n pairs):
 * the interval is [W₍ₖ₎, W₍ₘ₋ₖ₊₁₎] of the sorted Walsh averages. 0 means none exists.
 */
export function signedRankCritical(n: number, confidence: number): number {
  // Adaptive sampling looks again after every cycle: the exact distribution is built once per n.
  const memo = `${n}:${confidence}`;
  const known = criticalValues.get(memo);
  if (known !== undefined) return known;
  const k = computeCritical(n, confidence);
  criticalValues.set(memo, k);
  return k;
}

const criticalValues = new Map<string, number>();

function computeCritical(n: number, confidence: number): number {
  const alpha2 = (1 - confidence) / 2;
  const m = (n * (n + 1)) / 2;
  if (n > EXACT_MAX_N) {
    const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
    const k = Math.floor(m / 2 + normalQuantile(alpha2) * sd - 0.5) + 1;
    return Math.max(0, k);
  }
  // p[s] = P(T = s), built pair by pair: rank i is in T with probability ½.
  let p = new Float64Array(m + 1);
  p[0] = 1;
  let top = 0;
  for (let i = 1; i <= n; i++) {
    const next = new Float64Array(m + 1);
    for (let s = 0; s <= top; s++) {
      const half = p[s]! / 2;
      next[s] = next[s]! + half;
      next[s + i] = next[s + i]! + half;
    }
    top += i;
    p = next;
  }
  let cdf = 0;
  let k = 0;
  // P(T ≤ k − 1) ≤ α/2  ⇔  cumulative through s = k − 1 stays within α/2.
  while (k <= m && cdf + p[k]! <= alpha2 * (1 + 1e-12)) {
    cdf += p[k]!;
    k++;
  }
  return k;
}

/** Hodges–Lehmann estimate and signed-rank interval of paired differences. */
export function signedRankInterval(diffs: readonly number[], confidence: number): LocationInterval {
  const n = diffs.length;
  if (n === 0) return { estimate: Number.NaN, interval: null, n };
  const m = (n * (n + 1)) / 2;
  const walsh = new Float64Array(m);
  let w = 0;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh[w++] = (diffs[i]! + diffs[j]!) / 2;
  walsh.sort();
  const estimate = m % 2 === 1 ? walsh[(m - 1) / 2]! : (walsh[m / 2 - 1]! + walsh[m / 2]!) / 2;
  const k = signedRankCritical(n, confidence);
  const interval: [number, number] | null = k >= 1 ? [walsh[k - 1]!, walsh[m - k]!] : null;
  return { estimate, interval, n };
}
