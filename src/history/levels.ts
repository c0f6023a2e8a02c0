import { median } from 'simple-statistics';
import type { Rng } from '../gate/rng.js';

/*
 * The size of a level shift: medians of the runs on either side (robust to a stray run), and a
 * percentile bootstrap interval of their ratio that resamples runs on each side.
 */

export interface Shift {
  before: number;
  after: number;
  /** (after / before − 1) × 100. */
  deltaPct: number;
  /** 95 % bootstrap interval of deltaPct. */
  intervalPct: [number, number];
}

const RESAMPLES = 2000;

function resampledMedian(values: readonly number[], rng: Rng, scratch: number[]): number {
  for (let i = 0; i < values.length; i++) scratch[i] = values[Math.floor(rng.next() * values.length)]!;
  return median(scratch);
}

function quantile(sorted: Float64Array, p: number): number {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function shift(before: readonly number[], after: readonly number[], rng: Rng): Shift {
  const b = median([...before]);
  const a = median([...after]);
  const ratios = new Float64Array(RESAMPLES);
  const sb = new Array<number>(before.length);
  const sa = new Array<number>(after.length);
  for (let r = 0; r < RESAMPLES; r++) {
    const rb = resampledMedian(before, rng, sb);
    const ra = resampledMedian(after, rng, sa);
    ratios[r] = rb === 0 ? (ra === 0 ? 0 : Number.POSITIVE_INFINITY) : (ra / rb - 1) * 100;
  }
  ratios.sort();
  return {
    before: b,
    after: a,
    deltaPct: b === 0 ? (a === 0 ? 0 : Number.POSITIVE_INFINITY) : (a / b - 1) * 100,
    intervalPct: [quantile(ratios, 0.025), quantile(ratios, 0.975)],
  };
}

/**
 * Robust run-to-run noise of a series: the spread of first differences (MAD × 1.4826 / √2), so a
 * step, which is one large difference, barely moves it.
 */
export function robustNoise(values: readonly number[]): number {
  if (values.length < 3) return 0;
  const diffs = values.slice(1).map((v, i) => v - values[i]!);
  const center = median(diffs);
  return (1.4826 * median(diffs.map((d) => Math.abs(d - center)))) / Math.SQRT2;
}
