/**
 * Property-based tests of the parsers (issue 10): on any input they return or refuse with a typed
 * error (TrtGateError: DataError, ConfigError…), never a bare TypeError/RangeError/SyntaxError, and
 * the numbers they read are the numbers that were printed.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { TrtGateError } from '../../src/errors.js';
import { encodeNpy, npyValues, parseNpy } from '../../src/inputs/npy.js';
import { parseResults } from '../../src/results/io.js';
import { parseBuildLog } from '../../src/runners/trtexec/parse/build-log.js';
import { parseExportTimes } from '../../src/runners/trtexec/parse/export-times.js';
import { parseLegacySummary } from '../../src/runners/trtexec/parse/legacy-summary.js';
import { strictNumber } from '../../src/runners/trtexec/parse/numbers.js';
import { parsePerformanceSummary } from '../../src/runners/trtexec/parse/performance-summary.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/trtexec2/${name}`, import.meta.url), 'utf8');
const REAL_LOG = fixture('trt10.13.0-bf16-dynamic-enqueue-bound-perf-summary.log');
const REAL_TIMES = fixture('trex-a100-resnet50-fp32-exportTimes.json');

/** Returns or throws a TrtGateError; anything else fails the property. */
function typedOrValue<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    expect(error, String((error as Error)?.stack)).toBeInstanceOf(TrtGateError);
    return undefined;
  }
}

/** A real log with lines dropped, duplicated, cut or garbled: the shapes a broken log really has. */
const mangledLog = fc
  .array(
    fc.record({
      line: fc.nat(),
      how: fc.constantFrom('drop', 'dup', 'cut', 'garble', 'number'),
      text: fc.string({ maxLength: 20 }),
    }),
    { maxLength: 12 },
  )
  .map((edits) => {
    const lines = REAL_LOG.split('\n');
    for (const e of edits) {
      const i = e.line % lines.length;
      const l = lines[i]!;
      if (e.how === 'drop') lines.splice(i, 1);
      else if (e.how === 'dup') lines.splice(i, 0, l);
      else if (e.how === 'cut') lines[i] = l.slice(0, e.text.length);
      else if (e.how === 'garble') lines[i] = `${l.slice(0, l.length / 2)}${e.text}`;
      else lines[i] = l.replace(/\d+(\.\d+)?/, e.text);
    }
    return lines.join('\n');
  });
const anyText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  mangledLog,
);

const RUNS = { numRuns: 150 };

describe('trtexec parsers', () => {
  it('the log parsers return or refuse with a typed error on any text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        typedOrValue(() => parsePerformanceSummary(text, 'x.log'));
        typedOrValue(() => parseLegacySummary(text, 'x.log'));
        typedOrValue(() => parseBuildLog(text, 'x.log'));
      }),
      RUNS,
    );
  });

  it('the --exportTimes parser returns or refuses with a typed error on any JSON or text', () => {
    const entry = fc.dictionary(
      fc.constantFrom(
        'latencyMs',
        'computeMs',
        'startComputeMs',
        'endComputeMs',
        'startEnqMs',
        'endEnqMs',
        'x',
      ),
      fc.oneof(fc.double(), fc.string({ maxLength: 5 }), fc.constant(null), fc.boolean()),
    );
    const json = fc.oneof(
      fc.array(entry, { maxLength: 5 }).map((a) => JSON.stringify(a)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.nat(REAL_TIMES.length).map((n) => REAL_TIMES.slice(0, n)),
    );
    fc.assert(
      fc.property(json, fc.boolean(), (text, dropWarmup) => {
        typedOrValue(() => parseExportTimes(text, 'times.json', { dropWarmup }));
      }),
      RUNS,
    );
  });

  it('reads back exactly the per-query numbers written', () => {
    const ms = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(ms, ms), { minLength: 1, maxLength: 50 }), (queries) => {
        const text = JSON.stringify(queries.map(([latencyMs, computeMs]) => ({ latencyMs, computeMs })));
        const times = parseExportTimes(text, 'times.json');
        expect(times.latencyMs).toEqual(queries.map((q) => q[0]));
        expect(times.computeMs).toEqual(queries.map((q) => q[1]));
        expect(times.count).toBe(queries.length);
      }),
      RUNS,
    );
  });

  it('a printed number reads back as the same number; anything else is a DataError', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer({ min: 0, max: 8 }),
        (x, digits) => {
          expect(strictNumber(String(x), 'v', 'log') === x).toBe(true); // -0 prints as 0
          const printed = x.toFixed(digits);
          if (!/e/.test(printed)) expect(strictNumber(printed, 'v', 'log')).toBe(Number(printed));
        },
      ),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (token) => {
        const n = typedOrValue(() => strictNumber(token, 'v', 'log'));
        if (n !== undefined) expect(Number.isFinite(n)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('data and config readers', () => {
  it('.npy: any bytes are read or refused with a typed error', () => {
    const header = new TextEncoder().encode(
      "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (",
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 120 }).map((tail) => Uint8Array.from([...header, ...tail])),
        ),
        (bytes) => {
          typedOrValue(() => npyValues(parseNpy(bytes, 'x.npy')));
        },
      ),
      RUNS,
    );
  });

  it('.npy: float32 arrays of any shape round-trip exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 64, maxLength: 64 }),
        (shape, pool) => {
          const count = shape.reduce((a, b) => a * b, 1);
          const values = Float32Array.from(pool.slice(0, count));
          const bytes = encodeNpy({ dtype: 'float32', shape, data: new Uint8Array(values.buffer) });
          const read = parseNpy(bytes, 'x.npy');
          expect(read.shape).toEqual(shape);
          expect(Array.from(npyValues(read))).toEqual(Array.from(values));
        },
      ),
      RUNS,
    );
  });

  it('results files: any text is refused with a DataError, never half-read', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          typedOrValue(() => parseResults(text, 'results.json'));
        },
      ),
      RUNS,
    );
  });

  it('configs: any YAML text is loaded or refused with a typed error', () => {
    const yamlish = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .array(
          fc.tuple(
            fc.constantFrom('version', 'models', 'runner', 'thresholds', 'gate', 'baseline'),
            fc.jsonValue(),
          ),
          { maxLength: 4 },
        )
        .map((pairs) => pairs.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n')),
    );
    fc.assert(
      fc.property(yamlish, (text) => {
        typedOrValue(() => parseConfig(text, 'trt-gate.yml'));
      }),
      RUNS,
    );
  });
});
