/**
 * Regenerates the quickstart's ONNX models from seeded weights (no download):
 *   npm run models
 * The output is deterministic; test/examples/sample-models.test.ts checks the committed files match.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { encodeModel } from './builder.js';
import { sampleModelFiles } from './sample-models.js';

const outDir = fileURLToPath(new URL('../models/', import.meta.url));
for (const [file, graph] of Object.entries(sampleModelFiles())) {
  const bytes = encodeModel(graph);
  await writeFile(`${outDir}${file}`, bytes);
  console.log(`${file}\t${bytes.length} bytes`);
}
