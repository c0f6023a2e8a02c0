import type { Entry, EntryComparison } from '../results/schema.js';
import { findMetric } from './comparison-metrics.js';
import type { DistributionView } from './view-model-types.js';

/**
 * Chart data for a row's latency distribution: the raw samples (the chart bins them on a positive,
 * log-where-needed axis) and the baseline's p50/p99 from the comparison. A results file keeps the
 * candidate's samples, not the baseline's, so the baseline is drawn from its summary.
 */
export function distribution(entry: Entry, comparison: EntryComparison | undefined): DistributionView | null {
  const latency = entry.latency;
  if (!latency) return null;
  const baseline = (name: string) => findMetric(comparison, name)?.baseline ?? null;
  return {
    samples: latency.trials.flatMap((t) => t.samples),
    baselineP50: baseline('latency.p50'),
    baselineP99: baseline('latency.p99'),
  };
}
