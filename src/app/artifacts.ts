import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { renderReport } from '../report/render.js';
import { RESULTS_FILE, writeResults } from '../results/io.js';
import { RESULTS_SCHEMA_VERSION, type Results } from '../results/schema.js';
import { writeFileAtomically, writeJsonAtomically } from '../util/atomic-write.js';

/** Every file a use case leaves behind, written atomically (temp file + rename) by this one module. */

export const AGGREGATE_FILE = 'aggregate.json';

export interface WrittenOutputs {
  results: string;
  markdown: string;
  html: string;
}

/** results.json, report.md and report.html in `dir`. */
export async function writeRunArtifacts(dir: string, results: Results): Promise<WrittenOutputs> {
  await mkdir(dir, { recursive: true });
  const markdown = join(dir, 'report.md');
  const html = join(dir, 'report.html');
  await writeFileAtomically(markdown, renderReport('md', results));
  await writeFileAtomically(html, renderReport('html', results));
  return { results: await writeResults(dir, results), markdown, html };
}

/**
 * The compared candidates: one is `results.json`; several (a matrix) are `aggregate.json`,
 * `{ schemaVersion, results: [...] }` in the current results schema. Returns the path.
 */
export async function writeComparedResults(dir: string, compared: readonly Results[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  if (compared.length === 1) return writeResults(dir, compared[0]!);
  const path = join(dir, AGGREGATE_FILE);
  await writeJsonAtomically(path, { schemaVersion: RESULTS_SCHEMA_VERSION, results: compared });
  return path;
}

/** A rendered report (or any text artifact) at `path`. */
export async function writeArtifact(path: string, text: string): Promise<void> {
  await writeFileAtomically(path, text);
}

export { RESULTS_FILE };
