import type { EntryComparison, MetricComparison } from '../results/schema.js';

/** A metric of an entry's comparison by name (`latency.p50`, `accuracy.cosine`…); none without a comparison. */
export function findMetric(
  comparison: EntryComparison | undefined,
  name: string,
): MetricComparison | undefined {
  return comparison?.metrics.find((m) => m.metric === name);
}
