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
  return { ...base, verdict, deltaPct, intervalPct, thresholdPct, reason };
}
