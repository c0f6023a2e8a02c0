import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.js';
import { parseExportOutput } from '../../../src/runners/trtexec/parse/export-output.js';
import { fixture } from './fixtures.js';

describe('parseExportOutput', () => {
  it('reads bare nan / -nan / inf / -inf tokens', () => {
    const [logits, score] = parseExportOutput(fixture('synthetic-exportOutput-nan-inf.json'), 'out.json');
    expect(logits?.name).toBe('logits');
    expect(logits?.dims).toEqual([2, 3]);
    const v = Array.from(logits!.values);
    expect(v[0]).toBe(0.125);
    expect(Number.isNaN(v[1])).toBe(true);
    expect(v[2]).toBe(Number.POSITIVE_INFINITY);
    expect(v[3]).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isNaN(v[4])).toBe(true);
    expect(v[5]).toBe(1.5e-5);
    expect(logits?.nonFinite).toBe(4);
    expect(score).toMatchObject({ name: 'score', dims: [1], nonFinite: 0 });
    expect(score?.values).toBeInstanceOf(Float64Array);
  });

  it('accepts NaN / Infinity and MSVC -nan(ind), and a scalar output', () => {
    const text =
      '[{ "name" : "y", "dimensions" : "", "values" : [ -nan(ind) ] }, { "name": "z", "dimensions": "3", "values": [NaN, Infinity, -Infinity] }]';
    const [y, z] = parseExportOutput(text, 'o.json');
    expect(y?.dims).toEqual([]);
    expect(Number.isNaN(y?.values[0])).toBe(true);
    expect(z?.nonFinite).toBe(3);
    expect(z?.values[2]).toBe(Number.NEGATIVE_INFINITY);
  });

  it('never evaluates the text', () => {
    expect(() => parseExportOutput('[{"name":"x","dimensions":"1","values":[process]}]', 'o.json')).toThrow(
      /o\.json: line 1, column \d+: unexpected token "process"/,
    );
  });

  it('refuses a count that does not match the dimensions, and malformed files', () => {
    expect(() => parseExportOutput('[{"name":"x","dimensions":"2x2","values":[1,2,3]}]', 'o.json')).toThrow(
      /dimensions 2x2 hold 4 values but the file lists 3/,
    );
    expect(() => parseExportOutput('[{"name":"x","dimensions":"1","values":[1,]}]', 'o.json')).toThrow(
      DataError,
    );
    expect(() => parseExportOutput('{"name":"x"}', 'o.json')).toThrow(/expected an array of outputs/);
    expect(() => parseExportOutput('[{"name":"x","dimensions":"axb","values":[]}]', 'o.json')).toThrow(
      /"dimensions" must look like 1x1000/,
    );
    expect(() => parseExportOutput('[{"name":"x","dimensions":"1","values":["1"]}]', 'o.json')).toThrow(
      /values\[0\]: expected a number/,
    );
    expect(() => parseExportOutput('[{"name":"x", "values": [1]', 'o.json')).toThrow(
      /unexpected end of file/,
    );
  });
});
