import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.js';
import { parseDumpProfile } from '../../../src/runners/trtexec/parse/dump-profile.js';
import { fixture } from './fixtures.js';

describe('parseDumpProfile', () => {
  it('reads the real (cut-off) times-first table', () => {
    const p = parseDumpProfile(fixture('trt-unknown-dumpProfile-layer-table.log'))!;
    expect(p.iterations).toBe(2094);
    expect(p.layers).toHaveLength(7);
    expect(p.layers[0]).toMatchObject({
      name: 'Reformatting CopyNode for Input Tensor 0 to node_of_gpu_0/conv1_1 + node_of_gpu_0/res_conv1_bn_1 + node_of_gpu_0/res_conv1_bn_2',
      index: 0,
      averageMs: 0.0077,
      medianMs: 0.0075,
      percentage: 0.5,
      type: 'Reformat',
    });
    expect(p.layers[1]).toMatchObject({ averageMs: 0.0228, medianMs: 0.0225, percentage: 1.6 });
    expect(p.layers[6]).toMatchObject({ index: 6, averageMs: 0.0119, medianMs: 0.0123, percentage: 0.8 });
    // No Total row: the table was cut, so the last name may be cut too.
    expect(p.complete).toBe(false);
    expect(p.total).toBeUndefined();
  });

  it('reads the older name-first layout with its Total row', () => {
    const p = parseDumpProfile(fixture('synthetic-dumpProfile-name-first.log'))!;
    expect(p.iterations).toBe(512);
    expect(p.layers.map((l) => l.name)).toEqual([
      'conv1 + relu1 (fused block)',
      'pool1/MaxPool',
      'fc/MatMul',
    ]);
    expect(p.layers[1]).toMatchObject({
      averageMs: 0.0187,
      medianMs: 0.0185,
      percentage: 12.2,
      type: 'Pooling',
    });
    expect(p.total).toEqual({ totalMs: 78.81, averageMs: 0.1539, medianMs: 0.1527 });
    expect(p.complete).toBe(true);
  });

  it('returns undefined without a profile, refuses unreadable rows', () => {
    expect(parseDumpProfile(fixture('trt10.x-inference-setup-trace-perf-summary.log'))).toBeUndefined();
    const bad =
      '=== Profile (10 iterations ) ===\n   Time(ms)     Avg.(ms)   Median(ms)   Time(%)   Layer\n  1.0  x.y  0.1  5.0  conv\n';
    expect(() => parseDumpProfile(bad, 'p.log')).toThrow(DataError);
    expect(() => parseDumpProfile(bad, 'p.log')).toThrow(
      /p\.log: line 3: conv avg: expected a number, found "x\.y"/,
    );
    expect(() => parseDumpProfile('=== Profile (3 iterations ) ===\nwhat is this\n', 'p.log')).toThrow(
      /unrecognised --dumpProfile header/,
    );
  });
});
