import type { Entry, EntryComparison } from '../results/schema.js';
import { findMetric } from './comparison-metrics.js';
import type { DistributionView } from './view-model-types.js';

/** Chart data for a row's latency distribution: pooled percentiles, a histogram, the baseline marks. */

function histogram(samples: readonly number[], p99: number): DistributionView['histogram'] {
  if (samples.length === 0) return null;
  let lo = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of samples) {
    if (s < lo) lo = s;
    if (s > max) max = s;
  }
  // A few extreme outliers would squash the bulk into one bin: cut at p99 and count the rest.
  let hi = max <= p99 * 1.5 ? max : p99;
  if (hi <= lo) hi = lo + Math.max(Math.abs(lo) * 0.01, 1e-6);
  const bins = Math.min(40, Math.max(5, Math.ceil(Math.sqrt(samples.length))));
  const counts = new Array<number>(bins).fill(0);
  let overflow = 0;
  for (const s of samples) {
    if (s > hi) {
      overflow++;
      continue;
    }
    const i = Math.min(bins - 1, Math.floor(((s - lo) / (hi - lo)) * bins));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { lo, hi, counts, overflow };
}

export function distribution(entry: Entry, comparison: EntryComparison | undefined): DistributionView | null {
  const latency = entry.latency;
  if (!latency) return null;
  const p = latency.pooled;
  // An imported summary may lack these (LatencyResult.absent): no distribution rather than a made-up one.
  if (p.count === undefined || p.p90 === undefined || p.p99 === undefined) return null;
  const baseline = (name: string) => findMetric(comparison, name)?.baseline ?? null;
  return {
    count: p.count,
    min: p.min,
    p50: p.median,
    p90: p.p90,
    p99: p.p99,
    max: p.max,
    histogram: histogram(
      latency.trials.flatMap((t) => t.samples),
      p.p99,
    ),
    baselineP50: baseline('latency.p50'),
    baselineP99: baseline('latency.p99'),
  };
}
