import { join } from 'node:path';
import { renderReport } from '../report/render.js';
import { writeResults } from '../results/io.js';
import type { Results } from '../results/schema.js';
import { writeFileAtomically } from '../util/atomic-write.js';

export interface WrittenOutputs {
  results: string;
  markdown: string;
  html: string;
}

/** results.json, report.md and report.html in `dir`, each written atomically. */
export async function writeOutputs(dir: string, results: Results): Promise<WrittenOutputs> {
  const markdown = join(dir, 'report.md');
  const html = join(dir, 'report.html');
  await writeFileAtomically(markdown, renderReport('md', results));
  await writeFileAtomically(html, renderReport('html', results));
  return { results: await writeResults(dir, results), markdown, html };
}
