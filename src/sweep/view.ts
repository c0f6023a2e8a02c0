import type { Results, SweepPoint } from '../results/schema.js';
import { chosenText } from './describe.js';
import { describeSlo, sloValue } from './sweep.js';

/** What the HTML report needs to draw one sweep: plain numbers and already-worded lines. */
export interface SweepView {
  label: string;
  device: string;
  slo: string | null;
  sloMs: number | null;
  chosen: string;
  stops: string[];
  /** Measured points, batch ascending within each concurrency. */
  points: Array<{
    batchSize: number;
    concurrency: number;
    itemsPerSec: number;
    /** The SLO's statistic, or p99 without an SLO. */
    latencyMs: number;
    withinSlo: boolean | null;
    chosen: boolean;
  }>;
  failed: string[];
}

function measured(p: SweepPoint): p is SweepPoint & Required<Pick<SweepPoint, 'latency' | 'itemsPerSec'>> {
  return p.latency !== undefined && p.itemsPerSec !== undefined;
}

export function sweepViews(list: readonly Results[]): SweepView[] {
  return list.flatMap((results) =>
    results.entries.flatMap((entry) => {
      const sweep = entry.sweep;
      if (!sweep) return [];
      const chosen = sweep.chosen;
      return [
        {
          label: `${entry.model} · ${entry.precision}`,
          device: results.environment.device.name,
          slo: sweep.slo ? describeSlo(sweep.slo) : null,
          sloMs: sweep.slo?.maxMs ?? null,
          chosen: chosenText(sweep),
          stops: sweep.stops.map((s) => `concurrency ${s.concurrency}: stopped early, ${s.reason}`),
          points: sweep.points.filter(measured).map((p) => ({
            batchSize: p.batchSize,
            concurrency: p.concurrency,
            itemsPerSec: p.itemsPerSec,
            latencyMs: sweep.slo ? sloValue(p.latency, sweep.slo) : p.latency.p99,
            withinSlo: p.withinSlo ?? null,
            chosen: chosen?.batchSize === p.batchSize && chosen.concurrency === p.concurrency,
          })),
          failed: sweep.points
            .filter((p) => p.error)
            .map((p) => `batch ${p.batchSize} × ${p.concurrency}: ${p.error}`),
        },
      ];
    }),
  );
}
