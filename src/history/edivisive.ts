import type { Rng } from '../gate/rng.js';

/**
 * E-divisive means (Matteson & James 2014, "A nonparametric approach for multiple change point
 * analysis of multivariate data", with α = 1): the split of a segment that maximises the energy
 * distance between its two sides, tested against random permutations of the segment. It assumes
 * no distribution (nightly latencies are skewed and heavy-tailed) and its false-step rate is the
 * permutation test's α per test, which is what a nightly series needs: a false step files an issue.
 * Bisection is recursive: a significant split divides the segment and each side is searched again.
 */

export interface EDivisiveOptions {
  /** Significance level of each permutation test. */
  alpha: number;
  /** Permutations per test; at least 1/α − 1 so that p ≤ α is reachable. */
  permutations: number;
  /** Fewest points on either side of a split. */
  minSize: number;
  rng: Rng;
}

export interface ChangePoint {
  /** Index of the first point after the change. */
  index: number;
  /** Permutation p-value of the split in the segment where it was found. */
  pValue: number;
}

/**
 * Best split of the points (distance matrix `d`, n × n, visited in `order`): the τ maximising
 * q(τ, κ) = m·k/(m+k) · [2/(m·k) Σ|x−y| − C(m,2)⁻¹ Σ|x−x'| − C(k,2)⁻¹ Σ|y−y'|] over X = points
 * [0, τ) and Y = [τ, κ) for every κ, as Matteson & James define it: searching κ too finds a step
 * that later reverts (a regression fixed a few runs on), which splitting at one τ over the whole
 * segment misses. With 2-D prefix sums every (τ, κ) costs O(1), a whole search O(n²).
 */
function bestSplit(
  d: Float64Array,
  order: Int32Array,
  n: number,
  minSize: number,
  prefix: Float64Array,
): { tau: number; q: number } {
  const w = n + 1;
  // prefix[a·w + b] = Σ_{i<a, j<b} d(order[i], order[j]).
  for (let a = 1; a <= n; a++) {
    const row = order[a - 1]! * n;
    let run = 0;
    for (let b = 1; b <= n; b++) {
      run += d[row + order[b - 1]!]!;
      prefix[a * w + b] = prefix[(a - 1) * w + b]! + run;
    }
  }
  const block = (r0: number, r1: number, c0: number, c1: number) =>
    prefix[r1 * w + c1]! - prefix[r0 * w + c1]! - prefix[r1 * w + c0]! + prefix[r0 * w + c0]!;
  let best = { tau: -1, q: Number.NEGATIVE_INFINITY };
  for (let tau = minSize; tau <= n - minSize; tau++) {
    const m = tau;
    const withinX = block(0, tau, 0, tau) / (m * (m - 1));
    for (let kappa = tau + minSize; kappa <= n; kappa++) {
      const k = kappa - tau;
      const cross = block(0, tau, tau, kappa);
      const withinY = block(tau, kappa, tau, kappa) / (k * (k - 1));
      const q = ((m * k) / (m + k)) * ((2 * cross) / (m * k) - withinX - withinY);
      if (q > best.q) best = { tau, q };
    }
  }
  return best;
}

/** Split test on one segment: the best split and its permutation p-value (stops early once p > α). */
function testSegment(values: readonly number[], options: EDivisiveOptions): ChangePoint | undefined {
  const n = values.length;
  if (n < 2 * options.minSize) return undefined;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = Math.abs(values[i]! - values[j]!);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const prefix = new Float64Array((n + 1) * (n + 1));
  const observed = bestSplit(d, order, n, options.minSize, prefix);
  if (!(observed.q > 0)) return undefined;
  // p = (1 + #{permutations at least as extreme}) / (1 + P); once that exceeds α no later draw lowers it.
  const maxExceed = Math.floor(options.alpha * (options.permutations + 1)) - 1;
  let exceed = 0;
  for (let p = 0; p < options.permutations; p++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(options.rng.next() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    if (bestSplit(d, order, n, options.minSize, prefix).q >= observed.q) {
      exceed++;
      if (exceed > maxExceed) return { index: observed.tau, pValue: (exceed + 1) / (p + 2) };
    }
  }
  return { index: observed.tau, pValue: (exceed + 1) / (options.permutations + 1) };
}

/**
 * Significant change points of `values`, in index order. Each significant split is kept and both
 * sides are searched again; a segment whose best split is not significant is left whole.
 */
export function eDivisive(values: readonly number[], options: EDivisiveOptions): ChangePoint[] {
  if (!(options.minSize >= 2)) throw new RangeError('eDivisive: minSize must be at least 2');
  const found: ChangePoint[] = [];
  const pending: Array<[number, number]> = [[0, values.length]];
  while (pending.length > 0) {
    const [start, end] = pending.pop()!;
    const result = testSegment(values.slice(start, end), options);
    if (!result || result.pValue > options.alpha) continue;
    const index = start + result.index;
    found.push({ index, pValue: result.pValue });
    pending.push([start, index], [index, end]);
  }
  return found.sort((a, b) => a.index - b.index);
}
