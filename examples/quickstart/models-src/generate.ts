/**
 * Regenerates the quickstart's ONNX models from seeded weights (no download):
 *   npm run models
 * Also writes the labelled validation sets in ../data (see validation-set.ts). The output is deterministic; test/examples/sample-models.test.ts checks the committed files match.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { encodeModel } from './builder.js';
import { sampleModelFiles } from './sample-models.js';
import { SETS, validationSet } from './validation-set.js';

const outDir = fileURLToPath(new URL('../models/', import.meta.url));
for (const [file, graph] of Object.entries(sampleModelFiles())) {
  const bytes = encodeModel(graph);
  await writeFile(`${outDir}${file}`, bytes);
  console.log(`${file}\t${bytes.length} bytes`);
}

// The labelled validation sets, labelled by the fp32 models just written.
const dataDir = fileURLToPath(new URL('../data/', import.meta.url));
for (const [model, spec] of Object.entries(SETS)) {
  const bytes = await validationSet(spec, `${outDir}${model}-fp32.onnx`);
  await writeFile(`${dataDir}${model}-labelled.npz`, bytes);
  console.log(`data/${model}-labelled.npz\t${bytes.length} bytes`);
}
