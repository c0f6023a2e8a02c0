import { join } from 'node:path';
import { zodIssues } from '../config/issues.js';
import { DataError, formatIssue } from '../errors.js';
import { writeFileAtomically } from '../util/atomic-write.js';
import { readBounded, readError, TooLargeError } from '../util/fs-errors.js';
import { resultsInconsistencies } from './consistency.js';
import { RESULTS_SCHEMA_VERSION, Results } from './schema.js';

export const RESULTS_FILE = 'results.json';

/** Largest results file read (raw samples of a big matrix are tens of MB; a string can't pass ~512 MB). */
export const MAX_RESULTS_BYTES = 256 * 1024 * 1024;

/**
 * `MIGRATIONS[n]` turns a version-n results document into version n+1; reading applies them in a
 * chain up to RESULTS_SCHEMA_VERSION. Version 1 is the first released schema, so there is none yet:
 * an older file is refused with a message that says so.
 */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {};

function migrate(raw: unknown, file: string): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DataError(`${file}: not a trt-gate results file: expected a JSON object`, file);
  }
  let doc = raw as Record<string, unknown>;
  const version = doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new DataError(
      `${file}: not a trt-gate results file: schemaVersion is missing or not an integer`,
      file,
    );
  }
  if (version > RESULTS_SCHEMA_VERSION) {
    throw new DataError(
      `${file}: results schema ${version} is newer than this trt-gate reads (${RESULTS_SCHEMA_VERSION}); upgrade trt-gate`,
      file,
    );
  }
  for (let v = version; v < RESULTS_SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) {
      throw new DataError(
        `${file}: written by an older trt-gate, results schema version ${version}, which this trt-gate ` +
          `(schema ${RESULTS_SCHEMA_VERSION}) cannot read; re-run to produce it again`,
        file,
      );
    }
    doc = step(doc);
  }
  return doc;
}

/**
 * Parses and validates results text: migrates older schema versions (or says why not), refuses newer
 * ones, and cross-checks stated statistics against the samples (results/consistency.ts).
 */
export function parseResults(text: string, file: string): Results {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${file}: not valid JSON (${(error as Error).message})`, file);
  }
  const parsed = Results.safeParse(migrate(raw, file));
  if (!parsed.success) {
    const issues = zodIssues(file, parsed.error).slice(0, 20);
    throw new DataError(`${file}: not a trt-gate results file:\n${issues.map(formatIssue).join('\n')}`, file);
  }
  const problems = resultsInconsistencies(parsed.data);
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).map((p) => `${file}: ${p}`);
    if (problems.length > 10) shown.push(`${file}: and ${problems.length - 10} more`);
    throw new DataError(
      `${file}: its statistics do not match its samples (edited or corrupt):\n${shown.join('\n')}`,
      file,
    );
  }
  return parsed.data;
}

/**
 * Writes DIR/results.json atomically; returns its path. What is written is read back and parsed
 * before it replaces anything: a file this trt-gate could not read again is never written.
 */
export async function writeResults(dir: string, results: Results): Promise<string> {
  const path = join(dir, RESULTS_FILE);
  await writeFileAtomically(path, `${JSON.stringify(results, null, 2)}\n`, {
    verify: (back) => {
      try {
        parseResults(back.toString('utf8'), path);
      } catch (error) {
        throw new DataError(
          `refusing to write ${path}: it would not read back: ${(error as Error).message}`,
          path,
        );
      }
    },
  });
  return path;
}

export async function readResults(file: string): Promise<Results> {
  let text: string;
  try {
    text = await readBounded(file, MAX_RESULTS_BYTES);
  } catch (error) {
    if (error instanceof TooLargeError) {
      throw new DataError(`${file}: cannot read results: ${error.message}`, file);
    }
    throw readError(file, 'results', error);
  }
  return parseResults(text, file);
}
