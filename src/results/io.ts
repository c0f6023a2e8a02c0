import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zodIssues } from '../config/issues.js';
import { DataError, formatIssue } from '../errors.js';
import { writeJsonAtomically } from '../util/atomic-write.js';
import { RESULTS_SCHEMA_VERSION, Results } from './schema.js';

export const RESULTS_FILE = 'results.json';

/** Writes DIR/results.json atomically; returns its path. */
export async function writeResults(dir: string, results: Results): Promise<string> {
  const path = join(dir, RESULTS_FILE);
  await writeJsonAtomically(path, results);
  return path;
}

/** Parses and validates results text; refuses other schema versions with a clear message. */
export function parseResults(text: string, file: string): Results {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${file}: not valid JSON (${(error as Error).message})`, file);
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > RESULTS_SCHEMA_VERSION) {
    throw new DataError(
      `${file}: results schema ${version} is newer than this trt-gate reads (${RESULTS_SCHEMA_VERSION}); upgrade trt-gate`,
      file,
    );
  }
  const parsed = Results.safeParse(raw);
  if (!parsed.success) {
    const issues = zodIssues(file, parsed.error).slice(0, 20);
    throw new DataError(`${file}: not a trt-gate results file:\n${issues.map(formatIssue).join('\n')}`, file);
  }
  return parsed.data;
}

export async function readResults(file: string): Promise<Results> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DataError(`${file}: cannot read results: ${(error as Error).message}`, file);
  }
  return parseResults(text, file);
}
