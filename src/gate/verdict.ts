import type { Direction, Verdict } from '../config/schema.js';

/**
 * Verdicts from most to least severe; an entry takes the most severe of its metrics' verdicts.
 *
 *   failed > regressed > inconclusive > environment-mismatch > no-baseline > accepted > improved > unchanged
 *
 * (`accepted` is only ever given to a whole entry, a regression a maintainer accepted: src/gate/accept.ts.)
 *
 * Known-bad outcomes come first. "Don't know" outranks good news: an entry that improved on p50 but
 * is inconclusive on p99 must not read as improved. Inconclusive (we measured, but cannot tell)
 * outranks environment-mismatch and no-baseline (nothing comparable to measure against), since it
 * is the one a rerun can settle.
 */
export const VERDICT_SEVERITY: readonly Verdict[] = [
  'failed',
  'regressed',
  'inconclusive',
  'environment-mismatch',
  'no-baseline',
  'accepted',
  'improved',
  'unchanged',
];

/** Lower is more severe. */
export function severity(verdict: Verdict): number {
  return VERDICT_SEVERITY.indexOf(verdict);
}

/** The most severe verdict; `unchanged` for none. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'unchanged';
  for (const v of verdicts) if (severity(v) < severity(worst)) worst = v;
  return worst;
}

/** +1 when a rise is bad (latency), −1 when a fall is bad (throughput, cosine). */
export function badSign(direction: Direction): 1 | -1 {
  return direction === 'lower' ? 1 : -1;
}

/** Relative tolerance for threshold boundaries, so 100 → 110 counts as exactly +10%. */
export const BOUNDARY_EPSILON = 1e-9;

/**
 * Verdict for an interval [lo, hi] of the percent change against a symmetric threshold: wholly past
 * +threshold in the bad direction → regressed; wholly past it in the good direction → improved;
 * wholly inside → unchanged; straddling a boundary → inconclusive. A point estimate is lo = hi.
 */
export function classifyInterval(
  lo: number,
  hi: number,
  thresholdPct: number,
  direction: Direction,
): Verdict {
  const s = badSign(direction);
  const badLo = Math.min(s * lo, s * hi);
  const badHi = Math.max(s * lo, s * hi);
  const eps = BOUNDARY_EPSILON * Math.max(1, thresholdPct);
  if (badLo > thresholdPct + eps) return 'regressed';
  if (badHi < -thresholdPct - eps) return 'improved';
  if (badLo >= -thresholdPct - eps && badHi <= thresholdPct + eps) return 'unchanged';
  return 'inconclusive';
}

/** `+4.2%`, `-0.3%`. */
export function formatPct(value: number, digits = 1): string {
  const text = value.toFixed(digits);
  return value >= 0 && !text.startsWith('-') ? `+${text}%` : `${text}%`;
}

export { formatValue } from '../util/format-number.js';
