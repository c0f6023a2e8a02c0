import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.js';
import { parseExportTimes } from '../../../src/runners/trtexec/parse/export-times.js';
import { fixture } from './fixtures.js';

const REAL = 'trex-rtx3090-resnet50-fp32-exportTimes.json';

describe('parseExportTimes', () => {
  it('reads every query of the real RTX 3090 trace', () => {
    const t = parseExportTimes(fixture(REAL), REAL);
    expect(t.format).toBe('current');
    expect(t.count).toBe(263);
    expect(t.latencyMs).toHaveLength(263);
    expect(t.latencyMs[0]).toBe(13.0181);
    expect(t.latencyMs[262]).toBe(12.1631);
    expect(t.computeMs?.[1]).toBe(12.7857);
    // --noDataTransfers run: transfers are all zero.
    expect(t.h2dMs?.every((v) => v === 0)).toBe(true);
    expect(t.d2hMs).toHaveLength(263);
    expect(t.droppedWarmup).toBe(0);
    expect(t.endToEndMs).toBeUndefined();
  });

  it('derives enqueue time from startEnqMs/endEnqMs (no enqueueMs field in the file)', () => {
    const t = parseExportTimes(fixture(REAL), REAL);
    expect(t.enqueueDerived).toBe(true);
    expect(t.enqueueMs?.[0]).toBeCloseTo(16.9316 - 16.6644, 10);
    expect(t.enqueueMs?.[1]).toBeCloseTo(16.9503 - 16.9366, 10);
    // First H2D start 16.6236 → last D2H end 3233.48.
    expect(t.wallMs).toBeCloseTo(3233.48 - 16.6236, 6);
  });

  it('drops warm-up queries of a legacy (8.0-8.2) trace and keeps endToEndMs apart', () => {
    const t = parseExportTimes(fixture('synthetic-exportTimes-legacy-trt8.0.json'), 'legacy.json');
    expect(t.format).toBe('legacy');
    expect(t.droppedWarmup).toBe(4);
    expect(t.latencyMs).toEqual([1.19, 1.2, 1.21, 1.22]);
    expect(t.h2dMs).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(t.d2hMs).toEqual([0.05, 0.05, 0.05, 0.05]);
    expect(t.endToEndMs).toEqual([1.69, 1.7, 1.71, 1.72]);
    // A shorter warm-up keeps more queries.
    expect(
      parseExportTimes(fixture('synthetic-exportTimes-legacy-trt8.0.json'), 'l', { warmUpMs: 100 }).count,
    ).toBe(6);
  });

  it('refuses a non-array, an empty trace and entries without latency, naming the file', () => {
    expect(() => parseExportTimes('{"latencyMs": 1}', 'times.json')).toThrow(DataError);
    expect(() => parseExportTimes('{"latencyMs": 1}', 'times.json')).toThrow(
      /times\.json: expected a JSON array/,
    );
    expect(() => parseExportTimes('[]', 'times.json')).toThrow(
      /times\.json: the timing trace has no queries/,
    );
    expect(() => parseExportTimes('[{"computeMs": 1}]', 'times.json')).toThrow(
      /times\.json: entry 0: has no latencyMs/,
    );
    expect(() => parseExportTimes('[{"latencyMs": 1}, {"latencyMs": "2"}]', 't.json')).toThrow(
      /t\.json: entry 1: latencyMs: expected a finite number, found "2"/,
    );
    expect(() => parseExportTimes('[{"latencyMs": 1', 't.json')).toThrow(/t\.json: not valid JSON/);
    try {
      parseExportTimes('"x"', 'named.json');
    } catch (e) {
      expect((e as DataError).file).toBe('named.json');
    }
  });

  it('refuses a column present in some entries only', () => {
    expect(() => parseExportTimes('[{"latencyMs": 1, "computeMs": 1}, {"latencyMs": 2}]', 't.json')).toThrow(
      /entry 1: computeMs missing/,
    );
  });
});
