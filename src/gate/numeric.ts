/**
 * Numeric helpers on Float64Array: in-place selection (no full sorts on the hot path), type-7
 * quantiles, the normal quantile function, and robust scale.
 */

/**
 * Rearranges `a[left..right]` so that `a[k]` holds the k-th smallest value, everything before it is
 * ≤ and everything after it ≥ (Hoare partitioning, median-of-three pivot; O(n) on average).
 */
export function select(a: Float64Array, k: number, left = 0, right = a.length - 1): number {
  let lo = left;
  let hi = right;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * Type-7 (linear interpolation) quantile, as simple-statistics' quantileSorted computes it, without
 * sorting. Reorders `a`.
 */
export function quantileInPlace(a: Float64Array, p: number): number {
  const n = a.length;
  if (n === 0) throw new RangeError('quantile of no values');
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const k = Math.floor(h);
  const v = select(a, k);
  const frac = h - k;
  if (frac === 0 || k + 1 >= n) return v;
  let next = a[k + 1]!;
  for (let i = k + 2; i < n; i++) if (a[i]! < next) next = a[i]!;
  return v + frac * (next - v);
}

/** Order statistics this close to either end are found in one pass instead of by selection. */
const TAIL = 64;

/** Whether orderStatisticPair finds (k1, k2) among n values in one pass, leaving them in order. */
export function isTailPair(n: number, k1: number, k2: number): boolean {
  return n - k1 <= TAIL || k2 < TAIL;
}

/** The `count` smallest values of `a`, ascending, in one pass (insertion into a short buffer). */
function smallest(a: Float64Array, count: number): Float64Array {
  const buf = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const last = count - 1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x >= buf[last]!) continue;
    let j = last;
    while (j > 0 && buf[j - 1]! > x) {
      buf[j] = buf[j - 1]!;
      j--;
    }
    buf[j] = x;
  }
  return buf;
}

/** The `count` largest values of `a`, ascending, in one pass. */
function largest(a: Float64Array, count: number): Float64Array {
  const buf = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x <= buf[0]!) continue;
    let j = 0;
    while (j < count - 1 && buf[j + 1]! < x) {
      buf[j] = buf[j + 1]!;
      j++;
    }
    buf[j] = x;
  }
  return buf;
}

/**
 * The k1-th and k2-th smallest values (0-based, k1 ≤ k2). Near the ends — a p99, a bootstrap
 * interval's tails — one pass with a short buffer; otherwise selection, which reorders `a`.
 */
export function orderStatisticPair(a: Float64Array, k1: number, k2: number): [number, number] {
  const n = a.length;
  // Keep in step with isTailPair.
  if (n - k1 <= TAIL) {
    const top = largest(a, n - k1);
    return [top[0]!, top[k2 - k1]!];
  }
  if (k2 < TAIL) {
    const bottom = smallest(a, k2 + 1);
    return [bottom[k1]!, bottom[k2]!];
  }
  const x1 = select(a, k1);
  return [x1, select(a, k2, k1, n - 1)];
}

/**
 * Type-7 quantiles at pLo ≤ pHi (as simple-statistics' quantileSorted), without sorting; cheap when
 * both are in the tails, as a confidence interval's are. May reorder `a`.
 */
export function quantilePair(a: Float64Array, pLo: number, pHi: number): [number, number] {
  const n = a.length;
  if (n === 0) throw new RangeError('quantile of no values');
  const hLo = (n - 1) * Math.min(1, Math.max(0, pLo));
  const hHi = (n - 1) * Math.min(1, Math.max(0, pHi));
  const kLo = Math.floor(hLo);
  const kHi = Math.floor(hHi);
  if (kLo + 2 <= TAIL && n - kHi <= TAIL) {
    const bottom = smallest(a, Math.min(n, kLo + 2));
    const top = largest(a, n - kHi);
    const lo =
      kLo + 1 < n ? bottom[0 + kLo]! + (hLo - kLo) * (bottom[kLo + 1]! - bottom[kLo]!) : bottom[kLo]!;
    const hi = kHi + 1 < n ? top[0]! + (hHi - kHi) * (top[1]! - top[0]!) : top[0]!;
    return [lo, hi];
  }
  const lo = quantileInPlace(a, pLo);
  return [lo, quantileInPlace(a, pHi)];
}

/** Median of plain numbers (copies). */
export function median(values: readonly number[]): number {
  return quantileInPlace(Float64Array.from(values), 0.5);
}

/** Croux & Rousseeuw's (1992) small-sample factors making the MAD unbiased for n = 2…9. */
const MAD_SMALL_N = [0, 0, 1.196, 1.495, 1.363, 1.206, 1.2, 1.14, 1.129, 1.107];

/**
 * 1.4826 × median absolute deviation, with the small-sample correction: a robust standard
 * deviation, unbiased for normal data. (Plain MAD over 3 values is two thirds of the true spread.)
 */
export function robustSd(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const m = median(values);
  const correction = n < MAD_SMALL_N.length ? MAD_SMALL_N[n]! : n / (n - 0.8);
  return 1.4826 * correction * median(values.map((v) => Math.abs(v - m)));
}

/**
 * A spread that does not look away from occasional jumps: the larger of the robust sd and the
 * 90th percentile of absolute deviations from the median / 1.645 (what it would be for a normal
 * sample). MAD alone ignores up to half the runs, so a history where the machine was 30 % slower
 * now and then looked quiet, and the next such jump was called a regression.
 */
export function jumpAwareSd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = median(values);
  const deviations = Float64Array.from(values, (v) => Math.abs(v - m));
  return Math.max(robustSd(values), quantileInPlace(deviations, 0.9) / 1.645);
}

const NQ_A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const NQ_B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
];
const NQ_C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const NQ_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

function normalTail(q: number): number {
  const [c0, c1, c2, c3, c4, c5] = NQ_C as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = NQ_D as [number, number, number, number];
  return (
    (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
  );
}

/** Inverse standard normal CDF (Acklam's rational approximation, |relative error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  if (p < 0.02425) return normalTail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -normalTail(Math.sqrt(-2 * Math.log(1 - p)));
  const [a0, a1, a2, a3, a4, a5] = NQ_A as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = NQ_B as [number, number, number, number, number];
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/** Standard normal density. */
export function normalDensity(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/**
 * Hall–Sheather bandwidth (in probability units) for estimating the sparsity dQ/dp at quantile q
 * from n points: the width of the order-statistic window that balances bias and variance.
 */
export function hallSheatherBandwidth(n: number, q: number, alpha = 0.05): number {
  const memoKey = `${n}:${q}:${alpha}`;
  const hit = bandwidths.get(memoKey);
  if (hit !== undefined) return hit;
  const h = computeBandwidth(n, q, alpha);
  if (bandwidths.size < 4096) bandwidths.set(memoKey, h);
  return h;
}

const bandwidths = new Map<string, number>();

function computeBandwidth(n: number, q: number, alpha: number): number {
  const x = normalQuantile(q);
  const z = normalQuantile(1 - alpha / 2);
  const f = normalDensity(x);
  return n ** (-1 / 3) * z ** (2 / 3) * ((1.5 * f * f) / (2 * x * x + 1)) ** (1 / 3);
}
