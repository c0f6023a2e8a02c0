import type { Direction, Verdict } from '../config/schema.js';
import { classifyInterval, formatPct } from '../gate/verdict.js';
import { signedRankInterval } from './signed-rank.js';

/**
 * The A/B verdict from block pairs measured in one job. Each pair gives log(candidate median /
 * base median) of two blocks measured back to back; the A/A control gives log(control / base)
 * where the control is the base side measured as a separate arm (its own session or engine load).
 * Both are summarised by a Hodges–Lehmann estimate with a signed-rank interval (signed-rank.ts).
 *
 * The A/A control is used, not only reported: its interval says how far two arms of the SAME
 * model drift apart in this job (arm bias: session placement, cache layout; plus what the pairs
 * could not average out). A candidate can only be judged against a threshold that this job can
 * resolve: `regressed`/`improved` need the interval beyond ±minEffectPct AND the estimate beyond
 * the A/A noise (largest |end| of the A/A interval); `unchanged` needs the interval within
 * ±minEffectPct AND an A/A noise below minEffectPct. Otherwise `inconclusive`, saying why. (The
 * interval already carries the sampling noise of the pairs; the A/A control adds what arms of one
 * model differ by, which the pairs cannot show.)
 */

export interface PairedInput {
  /** log(candidate / base) per pair. */
  ab: readonly number[];
  /** log(control / base) per pair; empty when the job runs without an A/A control. */
  aa: readonly number[];
  minEffectPct: number;
  confidence: number;
  direction: Direction;
}

export interface PairedJudgement {
  verdict: Verdict;
  /** Hodges–Lehmann estimate of the change, percent. */
  deltaPct: number | null;
  intervalPct: [number, number] | null;
  /** A/A control: estimate, interval and noise (largest |end| of the interval), percent. */
  aa?: { deltaPct: number; intervalPct: [number, number] | null; noisePct: number | null };
  /** The smallest change this job can call: max(minEffectPct, A/A noise). */
  thresholdPct: number;
  pairs: number;
  reason: string;
  /**
   * Inconclusive only: about how many pairs in all would settle it, were the estimates to stay
   * where they are and the intervals to narrow as 1/√pairs (Infinity: an estimate on a boundary
   * never settles). Lets adaptive sampling give up on what its budget cannot settle.
   */
  pairsToSettle?: number;
}

const pct = (log: number): number => (Math.exp(log) - 1) * 100;

export function judgePaired(input: PairedInput): PairedJudgement {
  const { minEffectPct, confidence, direction } = input;
  const ab = signedRankInterval(input.ab, confidence);
  const pairs = input.ab.length;
  const level = `${Math.round(confidence * 1000) / 10}%`;
  let aa: PairedJudgement['aa'];
  if (input.aa.length > 0) {
    const control = signedRankInterval(input.aa, confidence);
    const interval = control.interval
      ? ([pct(control.interval[0]), pct(control.interval[1])] as [number, number])
      : null;
    aa = {
      deltaPct: pct(control.estimate),
      intervalPct: interval,
      noisePct: interval ? Math.max(Math.abs(interval[0]), Math.abs(interval[1])) : null,
    };
  }
  const base = { pairs, ...(aa ? { aa } : {}) };
  if (!ab.interval) {
    return {
      ...base,
      verdict: 'inconclusive',
      deltaPct: pairs > 0 ? pct(ab.estimate) : null,
      intervalPct: null,
      thresholdPct: minEffectPct,
      reason: `${pairs} block pair${pairs === 1 ? '' : 's'} are too few for a ${level} interval`,
    };
  }
  const deltaPct = pct(ab.estimate);
  const intervalPct: [number, number] = [pct(ab.interval[0]), pct(ab.interval[1])];
  if (aa && aa.noisePct === null) {
    return {
      ...base,
      verdict: 'inconclusive',
      deltaPct,
      intervalPct,
      thresholdPct: minEffectPct,
      reason: 'the A/A control has too few pairs to measure this job’s noise',
    };
  }
  const aaNoise = aa?.noisePct ?? 0;
  const thresholdPct = Math.max(minEffectPct, aaNoise);
  let verdict = classifyInterval(intervalPct[0], intervalPct[1], minEffectPct, direction);
  const what = `${formatPct(deltaPct)} (${level} interval ${formatPct(intervalPct[0])} … ${formatPct(intervalPct[1])}, ${pairs} pairs)`;
  const noiseText = `the A/A control differs by up to ${aaNoise.toFixed(1)}% with no change`;
  let reason: string;
  if ((verdict === 'regressed' || verdict === 'improved') && Math.abs(deltaPct) <= aaNoise) {
    verdict = 'inconclusive';
    reason = `${what}: ${noiseText}, as much as the effect — this job is too noisy to tell`;
  } else if (verdict === 'unchanged' && aaNoise > minEffectPct) {
    // Within ±minEffectPct, but two arms of the same model drift further apart than that here.
    verdict = 'inconclusive';
    reason = `${what}: ${noiseText}, more than the ${minEffectPct}% threshold — this job is too noisy to tell`;
  } else if (verdict === 'regressed' || verdict === 'improved') {
    const word = verdict === 'regressed' ? 'beyond' : 'an improvement beyond';
    reason = `${what} is ${word} the ${minEffectPct}% threshold${aa ? ` and larger than the A/A control's ${aaNoise.toFixed(1)}%` : ''}`;
  } else if (verdict === 'unchanged') {
    reason = `${what} is within the ${minEffectPct}% threshold`;
  } else {
    reason = `${what} straddles the ${minEffectPct}% threshold; more pairs would settle it`;
  }
  if (verdict !== 'inconclusive') return { ...base, verdict, deltaPct, intervalPct, thresholdPct, reason };
  const pairsToSettle = projectPairs(pairs, deltaPct, intervalPct, minEffectPct, aa);
  return { ...base, verdict, deltaPct, intervalPct, thresholdPct, reason, pairsToSettle };
}

/**
 * The pairs each way out of `inconclusive` would take at the present estimates: beyond +min, beyond
 * −min (the estimate also clear of the A/A noise) or within ±min (the A/A noise too); the nearest.
 * A condition `c − h·√(n/n') > 0` (c the margin, h the half-width now) holds from n' = n·(h/c)².
 */
function projectPairs(
  n: number,
  delta: number,
  [lo, hi]: [number, number],
  min: number,
  aa: PairedJudgement['aa'],
): number {
  const from = (margin: number, half: number) =>
    margin <= 0 ? Number.POSITIVE_INFINITY : half <= 0 ? n : n * (half / margin) ** 2;
  // The A/A noise (largest |end| of its interval) as |estimate| plus a half-width that narrows too.
  const aaHalf = aa?.intervalPct
    ? Math.max(aa.intervalPct[1] - aa.deltaPct, aa.deltaPct - aa.intervalPct[0])
    : 0;
  const aaLevel = aa ? Math.abs(aa.deltaPct) : 0;
  const clearOfNoise = from(Math.abs(delta) - aaLevel, aaHalf);
  const up = Math.max(from(delta - min, delta - lo), clearOfNoise);
  const down = Math.max(from(-min - delta, hi - delta), clearOfNoise);
  const within = Math.max(
    from(min - delta, hi - delta),
    from(delta + min, delta - lo),
    from(min - aaLevel, aaHalf),
  );
  return Math.min(up, down, within);
}
