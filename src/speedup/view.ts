import { formatCosine } from '../report/format.js';
import type { Results } from '../results/schema.js';
import { type Ratio, type SpeedupRow, speedups } from './speedup.js';

export interface SpeedupView {
  device: string;
  model: string;
  batchSize: number;
  precision: string;
  latency: string;
  throughput: string;
  cosine: string;
  top1: string;
  reference: string;
}

function ratio(r: Ratio): string {
  const f = (v: number) => v.toFixed(2);
  return `${f(r.value)}× [${f(r.interval[0])}, ${f(r.interval[1])}]`;
}

export function speedupView(row: SpeedupRow): SpeedupView {
  return {
    device: row.device,
    model: row.model,
    batchSize: row.batchSize,
    precision: row.precision,
    latency: ratio(row.latency),
    throughput: ratio(row.throughput),
    cosine: row.cosine === undefined ? '—' : formatCosine(row.cosine),
    top1: row.top1 === undefined ? '—' : `${(row.top1 * 100).toFixed(1)} %`,
    reference: row.reference,
  };
}

export function speedupViews(list: readonly Results[]): SpeedupView[] {
  return speedups(list).map(speedupView);
}
