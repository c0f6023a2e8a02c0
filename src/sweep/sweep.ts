import type { SloConfig, SweepConfig } from '../config/schema.js';
import type { FullStatsSummary, SweepPoint, SweepResult } from '../results/schema.js';

/** One measured point, or why it could not be measured (e.g. out of memory at a large batch). */
export type Measured = { latency: FullStatsSummary; itemsPerSec: number } | { error: string };

/** Measures one operating point; the pipeline passes the runner's, tests an in-memory one. */
export type MeasurePoint = (batchSize: number, concurrency: number) => Promise<Measured>;

export function sloValue(latency: FullStatsSummary, slo: SloConfig): number {
  return slo.metric === 'p50' ? latency.median : latency[slo.metric];
}

export function describeSlo(slo: SloConfig): string {
  return `${slo.metric} <= ${slo.maxMs} ms`;
}

/**
 * Walks batch sizes upwards at each concurrency level, then concurrency levels upwards. A batch
 * series stops at the first point that breaks the SLO (larger batches only add latency), fails,
 * or gains less than `minGainPct` throughput over the previous point; concurrency stops the same
 * way when a level's best throughput gains too little over the last level's. The chosen point is
 * the highest throughput within the SLO (every measured point when there is no SLO).
 */
export async function runSweep(config: SweepConfig, measure: MeasurePoint): Promise<SweepResult> {
  const slo = config.slo;
  const points: SweepPoint[] = [];
  const stops: SweepResult['stops'] = [];
  const batches = [...new Set(config.batchSizes)].sort((a, b) => a - b);
  const levels = [...new Set(config.concurrency)].sort((a, b) => a - b);
  let previousLevelBest: number | undefined;
  for (const concurrency of levels) {
    let previous: number | undefined;
    let levelBest = 0;
    for (const [i, batchSize] of batches.entries()) {
      const measured = await measure(batchSize, concurrency);
      const last = i === batches.length - 1;
      const stop = (reason: string) => {
        if (!last) stops.push({ concurrency, afterBatch: batchSize, reason });
      };
      if ('error' in measured) {
        points.push({ batchSize, concurrency, error: measured.error });
        stop(`batch ${batchSize} failed: ${measured.error}`);
        break;
      }
      const point: SweepPoint = {
        batchSize,
        concurrency,
        latency: measured.latency,
        itemsPerSec: measured.itemsPerSec,
      };
      if (slo) point.withinSlo = sloValue(measured.latency, slo) <= slo.maxMs;
      points.push(point);
      if (point.withinSlo !== false) levelBest = Math.max(levelBest, measured.itemsPerSec);
      if (point.withinSlo === false) {
        stop(`SLO broken: ${slo!.metric} ${round(sloValue(measured.latency, slo!))} ms > ${slo!.maxMs} ms`);
        break;
      }
      if (previous !== undefined) {
        const gain = (measured.itemsPerSec / previous - 1) * 100;
        if (gain < config.minGainPct) {
          stop(`throughput gain ${round(gain)} % < ${config.minGainPct} %`);
          break;
        }
      }
      previous = measured.itemsPerSec;
    }
    const levelIndex = levels.indexOf(concurrency);
    if (previousLevelBest !== undefined && levelIndex < levels.length - 1) {
      const gain =
        previousLevelBest > 0 ? (levelBest / previousLevelBest - 1) * 100 : Number.POSITIVE_INFINITY;
      if (gain < config.minGainPct) {
        stops.push({
          concurrency,
          afterBatch: 0,
          reason: `concurrency ${concurrency} gained ${round(gain)} % < ${config.minGainPct} % over ${levels[levelIndex - 1]}: higher levels skipped`,
        });
        break;
      }
    }
    previousLevelBest = Math.max(previousLevelBest ?? 0, levelBest);
  }
  const eligible = points.filter((p) => p.itemsPerSec !== undefined && p.withinSlo !== false);
  const best = eligible.reduce<SweepPoint | undefined>(
    (a, p) => (a === undefined || p.itemsPerSec! > a.itemsPerSec! ? p : a),
    undefined,
  );
  return {
    ...(slo ? { slo: { metric: slo.metric, maxMs: slo.maxMs } } : {}),
    points,
    ...(best ? { chosen: { batchSize: best.batchSize, concurrency: best.concurrency } } : {}),
    throughputAtSlo: best?.itemsPerSec ?? 0,
    stops,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
