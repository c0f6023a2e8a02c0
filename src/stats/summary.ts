import { max, mean, min, quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import type { FullStatsSummary } from '../results/schema.js';

/**
 * Summary statistics of latency samples. Percentiles use simple-statistics' `quantileSorted`
 * (linear interpolation between closest ranks at index (n−1)·p, R type 7 / numpy's default);
 * stddev is the sample (n−1) standard deviation, 0 for a single sample.
 */
/** Every statistic, always (only an imported summary lacks some: results/schema.ts). */
export function summarize(samples: readonly number[]): FullStatsSummary {
  if (samples.length === 0) throw new RangeError('summarize: no samples');
  for (const s of samples) {
    if (!Number.isFinite(s)) throw new RangeError(`summarize: non-finite sample ${s}`);
  }
  const sorted = Float64Array.from(samples).sort();
  const values = Array.from(sorted);
  const avg = mean(values);
  const sd = values.length > 1 ? sampleStandardDeviation(values) : 0;
  return {
    count: values.length,
    min: min(values),
    max: max(values),
    mean: avg,
    median: quantileSorted(values, 0.5),
    p90: quantileSorted(values, 0.9),
    p95: quantileSorted(values, 0.95),
    p99: quantileSorted(values, 0.99),
    stddev: sd,
    cv: avg === 0 ? 0 : sd / avg,
  };
}

/** All trials' samples as one population. */
export function pool(trials: ReadonlyArray<readonly number[]>): number[] {
  return trials.flat();
}
