import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.js';
import { parsePerformanceSummary } from '../../../src/runners/trtexec/parse/performance-summary.js';
import { fixture } from './fixtures.js';

describe('parsePerformanceSummary', () => {
  it('reads the cut-off 10.x summary of the real log and lists what is missing', () => {
    const s = parsePerformanceSummary(fixture('trt10.x-inference-setup-trace-perf-summary.log'))!;
    expect(s.throughputQps).toBe(8.54706);
    expect(s.latency).toMatchObject({ min: 125.047, max: 150.686, mean: 140.438 });
    // `median = 141.472` ends the cut line without its unit: not trusted.
    expect(s.latency?.median).toBeUndefined();
    expect(s.truncated).toBe(true);
    expect(s.missing).toEqual(
      expect.arrayContaining([
        'enqueue',
        'h2d',
        'gpuCompute',
        'd2h',
        'totalHostWalltimeS',
        'totalGpuComputeS',
        'latency.median',
        'latency.percentiles',
      ]),
    );
    expect(s.missing).not.toContain('throughputQps');
    expect(s.warmup).toEqual({ queries: 2, ms: 200 });
    expect(s.timing).toEqual({ queries: 29, seconds: 3.39298 });
    expect(s.trace?.runsPerAverage).toBe(10);
    expect(s.trace?.averages).toEqual([
      { gpuLatencyMs: 112.944, hostLatencyMs: 139.593, enqueueMs: 0.538054 },
      { gpuLatencyMs: 111.01, hostLatencyMs: 137.575, enqueueMs: 0.469653 },
    ]);
  });

  it('reads a complete 8.4 summary with a single percentile(99%) and its warnings', () => {
    const s = parsePerformanceSummary(fixture('synthetic-trt8.4-perf-summary.log'))!;
    expect(s.truncated).toBe(false);
    expect(s.missing).toEqual([]);
    expect(s.throughputQps).toBe(2006.25);
    expect(s.latency).toEqual({
      min: 0.476318,
      max: 0.912354,
      mean: 0.514807,
      median: 0.512695,
      percentiles: { '99': 0.571289 },
    });
    expect(s.gpuCompute?.percentiles).toEqual({ '99': 0.541992 });
    expect(s.d2h?.mean).toBe(0.0107049);
    expect(s.totalHostWalltimeS).toBe(3.00211);
    expect(s.totalGpuComputeS).toBe(2.94533);
    expect(s.warnings).toEqual({
      enqueueBound: true,
      h2dBound: false,
      d2hBound: false,
      unstableCvPct: 4.07421,
    });
  });

  it('reads the three percentiles of a 10.x summary and the transfer-bound warning', () => {
    const s = parsePerformanceSummary(fixture('synthetic-trt10.6-perf-summary-complete.log'))!;
    expect(s.missing).toEqual([]);
    expect(s.latency?.percentiles).toEqual({ '90': 7.90234, '95': 8.0166, '99': 8.99512 });
    expect(s.enqueue?.median).toBe(0.605469);
    expect(s.h2d?.max).toBe(1.23047);
    expect(s.warnings.h2dBound).toBe(true);
    expect(s.warnings.enqueueBound).toBe(false);
    expect(s.warnings.unstableCvPct).toBeUndefined();
  });

  it('returns undefined for a log without a summary', () => {
    expect(parsePerformanceSummary(fixture('trt10.x-build-memory-engine-built-size.log'))).toBeUndefined();
    expect(parsePerformanceSummary('')).toBeUndefined();
  });

  it('refuses a malformed number instead of reading zero', () => {
    const log = [
      '[I] === Performance summary ===',
      '[I] Throughput: 12.5 qps',
      '[I] Latency: min = 1.2.3 ms, max = 2 ms, mean = 1.5 ms, median = 1.5 ms, percentile(99%) = 2 ms',
      '[I] Total Host Walltime: 3 s',
    ].join('\n');
    expect(() => parsePerformanceSummary(log, 'run.log')).toThrow(DataError);
    expect(() => parsePerformanceSummary(log, 'run.log')).toThrow(
      /run\.log: line 3: Latency min: expected a number, found "1\.2\.3"/,
    );
    expect(() => parsePerformanceSummary('=== Performance summary ===\nThroughput: fast qps\nx')).toThrow(
      /Throughput: expected a number, found "fast"/,
    );
    // nan/inf in a summary means trtexec had nothing to measure: refused, not passed on.
    expect(() =>
      parsePerformanceSummary('=== Performance summary ===\nGPU Compute Time: min = inf ms, max = 1 ms\nx'),
    ).toThrow(/GPU Compute Time min/);
  });

  it('refuses an unknown field in the middle of a metric line', () => {
    const log =
      '=== Performance summary ===\nLatency: min = 1 ms, spread = 2 ms, max = 3 ms\nTotal Host Walltime: 1 s';
    expect(() => parsePerformanceSummary(log)).toThrow(/cannot read "spread = 2 ms"/);
  });
});
