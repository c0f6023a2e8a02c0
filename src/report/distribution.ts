import type { Entry, EntryComparison } from '../results/schema.js';
import { findMetric } from './comparison-metrics.js';
import type { DistributionView } from './view-model-types.js';

/**
 * Chart data for a row's latency distribution: the raw samples (the chart bins them on a positive,
 * log-where-needed axis), the baseline's p50/p99 from the comparison, and the baseline's own
 * distribution where the comparison carries it (101 quantiles of the stored runs' samples: binned
 * like samples, each quantile stands for 1 % of them).
 */
export function distribution(entry: Entry, comparison: EntryComparison | undefined): DistributionView | null {
  const latency = entry.latency;
  if (!latency) return null;
  const baseline = (name: string) => findMetric(comparison, name)?.baseline ?? null;
  const stored = comparison?.baselineLatency;
  return {
    samples: latency.trials.flatMap((t) => t.samples),
    baselineP50: baseline('latency.p50'),
    baselineP99: baseline('latency.p99'),
    baselineQuantiles: stored ? stored.quantiles : null,
    baselineSamples: stored ? stored.samples : null,
    baselineLabel: stored ? `baseline (${stored.runs} run${stored.runs === 1 ? '' : 's'})` : 'baseline',
  };
}
