import { formatSig } from '../report/format.js';
import type { SweepResult } from '../results/schema.js';
import { describeSlo, sloValue } from './sweep.js';

/** The chosen operating point in words, for the terminal and the reports. */
export function chosenText(sweep: SweepResult): string {
  const point = sweep.points.find(
    (p) => p.batchSize === sweep.chosen?.batchSize && p.concurrency === sweep.chosen?.concurrency,
  );
  if (!point?.latency) {
    return sweep.slo
      ? `no point meets the SLO (${describeSlo(sweep.slo)}): throughput at SLO 0`
      : 'no point measured';
  }
  const budget = sweep.slo
    ? ` at ${sweep.slo.metric} ${formatSig(sloValue(point.latency, sweep.slo))} ms (SLO ${describeSlo(sweep.slo)})`
    : '';
  return `chosen: batch ${point.batchSize} × concurrency ${point.concurrency} → ${formatSig(point.itemsPerSec)} items/s${budget}`;
}
