import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { KEY_FILE_SCHEMA, parseStoreFile } from '../../src/store/file-format.js';
import { STORE_SCHEMA_VERSION } from '../../src/store/types.js';
import { makeEntry, makeKey, makeStats, v0Document } from './helpers.js';

const FILE = '/store/dev/model/fp16-b1-0123456789abcdef.json';

function validText(): string {
  const entry = makeEntry();
  // A schema-1 key file as trt-gate wrote them before store schema 2 (read for the migration).
  const runs = [{ runId: 'r1', createdAt: '2025-01-01T00:00:00Z', source: { sha: 'abc' }, entry }];
  return `${JSON.stringify({ schemaVersion: KEY_FILE_SCHEMA, key: entry.key, runs }, null, 2)}\n`;
}

function dataError(fn: () => unknown): DataError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError');
}

describe('parseStoreFile', () => {
  it('reads a schema-1 key file', () => {
    const file = parseStoreFile(validText(), FILE);
    expect(file.schemaVersion).toBe(1);
    expect(file.key).toEqual(makeKey());
    expect(file.runs.map((r) => r.runId)).toEqual(['r1']);
  });

  it.each([
    ['empty', '', /empty/],
    ['truncated', validText().slice(0, 120), /not valid JSON \(truncated or corrupt\?\)/],
    ['not an object', '[1, 2]', /not a JSON object/],
  ])('refuses a %s file, naming it', (_name, text, message) => {
    const error = dataError(() => parseStoreFile(text, FILE));
    expect(error.message).toContain(FILE);
    expect(error.message).toMatch(message);
    expect(error.file).toBe(FILE);
    expect(error.exitCode).toBe(4);
  });

  it('refuses a schema mismatch, naming the field', () => {
    const doc = JSON.parse(validText());
    doc.runs[0].entry.status = 'maybe';
    delete doc.key.device;
    const error = dataError(() => parseStoreFile(JSON.stringify(doc), FILE));
    expect(error.message).toContain(FILE);
    expect(error.message).toContain('runs[0].entry.status');
    expect(error.message).toContain('key.device');
  });

  it("refuses a run whose key is not the file's key", () => {
    const doc = JSON.parse(validText());
    doc.runs[0].entry.key.device = 'elsewhere';
    expect(dataError(() => parseStoreFile(JSON.stringify(doc), FILE)).message).toContain(
      "runs[0].entry.key: run's key does not match the file's key",
    );
  });

  it('refuses a newer schema version and says to upgrade', () => {
    const doc = { ...JSON.parse(validText()), schemaVersion: STORE_SCHEMA_VERSION + 1 };
    const error = dataError(() => parseStoreFile(JSON.stringify(doc), FILE));
    expect(error.message).toContain(FILE);
    expect(error.message).toContain(
      `written by a newer trt-gate (schema ${STORE_SCHEMA_VERSION + 1}); upgrade trt-gate`,
    );
  });

  it.each([['"2"'], ['-1'], ['1.5'], ['null']])('refuses unknown schemaVersion %s', (version) => {
    const text = validText().replace(/"schemaVersion": \d+/, `"schemaVersion": ${version}`);
    const error = dataError(() => parseStoreFile(text, FILE));
    expect(error.message).toMatch(/unknown schemaVersion .*upgrade trt-gate/);
  });

  it('refuses a file without a schemaVersion', () => {
    const { schemaVersion: _v, ...doc } = JSON.parse(validText());
    expect(dataError(() => parseStoreFile(JSON.stringify(doc), FILE)).message).toContain(
      'unknown schemaVersion undefined',
    );
  });

  it('migrates schema 0 (flat samples) to per-trial latency in memory', () => {
    const file = parseStoreFile(JSON.stringify(v0Document([2, 4, 6])), FILE);
    expect(file.schemaVersion).toBe(1);
    const [run] = file.runs;
    expect(run?.source).toEqual({});
    expect(run?.entry.latency?.trials).toEqual([
      { samples: [2, 4, 6], stats: makeStats([2, 4, 6]), wallMs: 12 },
    ]);
    expect(run?.entry.latency?.pooled).toEqual(makeStats([2, 4, 6]));
    expect(run?.entry.latency).not.toHaveProperty('samples');
  });

  it('refuses a schema-0 file that does not match schema 0', () => {
    const doc = v0Document();
    (doc.runs[0]!.entry.latency as { samples: unknown }).samples = 'lots';
    const error = dataError(() => parseStoreFile(JSON.stringify(doc), FILE));
    expect(error.message).toContain('does not match store schema 0');
    expect(error.message).toContain('runs[0].entry.latency.samples');
  });
});
