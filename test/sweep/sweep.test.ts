import { describe, expect, it } from 'vitest';
import { SweepConfig } from '../../src/config/schema.js';
import { getMetric } from '../../src/gate/metrics.js';
import { summarize } from '../../src/stats/summary.js';
import { type Measured, type MeasurePoint, runSweep } from '../../src/sweep/sweep.js';
import { makeEntry } from '../report/helpers.js';

/**
 * A device model for the walk: a request costs `fixed + perItem × batch` ms, so throughput rises
 * with batch and flattens; concurrency divides the fixed cost until `cores` are busy. Samples get a
 * fixed spread so p99 sits above p50.
 */
function device(options: { fixed: number; perItem: number; cores?: number; failAbove?: number }): {
  measure: MeasurePoint;
  calls: Array<[number, number]>;
} {
  const calls: Array<[number, number]> = [];
  const measure: MeasurePoint = async (batch, concurrency): Promise<Measured> => {
    calls.push([batch, concurrency]);
    if (options.failAbove !== undefined && batch > options.failAbove) return { error: 'out of memory' };
    const ms = options.fixed + options.perItem * batch;
    const samples = Array.from({ length: 100 }, (_, i) => ms * (1 + (i % 10) / 50));
    const parallel = Math.min(concurrency, options.cores ?? 1);
    return { latency: summarize(samples), itemsPerSec: ((batch * 1000) / ms) * parallel };
  };
  return { measure, calls };
}

const config = (over: Partial<SweepConfig>) =>
  SweepConfig.parse({ batchSizes: [1, 2, 4, 8, 16, 32], ...over });

describe('runSweep', () => {
  it('picks the highest throughput within the SLO and stops at the first point that breaks it', async () => {
    const { measure, calls } = device({ fixed: 1, perItem: 0.25 });
    // Latency 1.25, 1.5, 2, 3, 5, 9 ms (p99 ≈ 1.18×): a 4 ms p99 budget allows batch 8.
    const sweep = await runSweep(config({ slo: { metric: 'p99', maxMs: 4 }, minGainPct: 0 }), measure);
    expect(sweep.chosen).toEqual({ batchSize: 8, concurrency: 1 });
    expect(sweep.throughputAtSlo).toBeCloseTo(8000 / 3, 6);
    expect(calls.map(([b]) => b)).toEqual([1, 2, 4, 8, 16]);
    expect(sweep.points.at(-1)).toMatchObject({ batchSize: 16, withinSlo: false });
    expect(sweep.stops).toEqual([
      { concurrency: 1, afterBatch: 16, reason: expect.stringMatching(/^SLO broken: p99 5\.\d ms > 4 ms$/) },
    ]);
  });

  it('stops when throughput gains fall below minGainPct, and says so', async () => {
    // Fixed cost small against per-item cost: batching gains little after batch 4.
    const { measure, calls } = device({ fixed: 0.2, perItem: 1 });
    const sweep = await runSweep(config({ minGainPct: 5 }), measure);
    // Items/s: 833, 909 (+9 %), 952 (+4.8 %): stop at 4.
    expect(calls.map(([b]) => b)).toEqual([1, 2, 4]);
    expect(sweep.stops[0]?.reason).toMatch(/^throughput gain 4\.8 % < 5 %$/);
    expect(sweep.chosen).toEqual({ batchSize: 4, concurrency: 1 });
    expect(sweep.slo).toBeUndefined();
  });

  it('reports a throughput at SLO of 0 when no point meets it', async () => {
    const { measure } = device({ fixed: 20, perItem: 1 });
    const sweep = await runSweep(config({ slo: { metric: 'p50', maxMs: 10 } }), measure);
    expect(sweep.chosen).toBeUndefined();
    expect(sweep.throughputAtSlo).toBe(0);
    expect(sweep.points).toHaveLength(1);
    const entry = makeEntry();
    entry.sweep = sweep;
    expect(getMetric('throughput.atSlo')!.extract(entry)).toBe(0);
    expect(getMetric('throughput.atSlo')!.extract(makeEntry())).toBeUndefined();
  });

  it('records a failing point and ends that batch series there', async () => {
    const { measure, calls } = device({ fixed: 4, perItem: 0.1, failAbove: 8 });
    const sweep = await runSweep(config({ minGainPct: 0 }), measure);
    expect(calls.map(([b]) => b)).toEqual([1, 2, 4, 8, 16]);
    expect(sweep.points.at(-1)).toEqual({ batchSize: 16, concurrency: 1, error: 'out of memory' });
    expect(sweep.stops[0]?.reason).toBe('batch 16 failed: out of memory');
    expect(sweep.chosen).toEqual({ batchSize: 8, concurrency: 1 });
  });

  it('walks concurrency levels and skips higher ones when a level gains too little', async () => {
    const { measure, calls } = device({ fixed: 2, perItem: 0.1, cores: 2 });
    const sweep = await runSweep(
      config({ batchSizes: [1, 2], concurrency: [1, 2, 4, 8], minGainPct: 5 }),
      measure,
    );
    // Concurrency 2 doubles throughput; 4 gains nothing on 2 cores; 8 is never measured.
    expect(calls).toEqual([
      [1, 1],
      [2, 1],
      [1, 2],
      [2, 2],
      [1, 4],
      [2, 4],
    ]);
    expect(sweep.chosen?.concurrency).toBe(2);
    expect(sweep.stops.at(-1)?.reason).toMatch(
      /^concurrency 4 gained 0 % < 5 % over 2: higher levels skipped$/,
    );
  });
});
