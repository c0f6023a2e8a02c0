import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETS, validationSet } from '../../examples/quickstart/models-src/validation-set.js';
import { npyValues } from '../../src/inputs/npy.js';
import { parseNpz } from '../../src/inputs/npz.js';
import { REPO_ROOT, shippedModel } from '../helpers/tiny-config.js';

const DATA = join(REPO_ROOT, 'examples', 'quickstart', 'data');

describe('the quickstart labelled validation sets', () => {
  it.each(Object.keys(SETS))(
    '%s: regenerating reproduces the committed .npz byte for byte',
    async (model) => {
      const generated = Buffer.from(await validationSet(SETS[model]!, shippedModel(`${model}-fp32.onnx`)));
      const committed = await readFile(join(DATA, `${model}-labelled.npz`));
      expect(generated.equals(committed)).toBe(true);
      expect(committed.length).toBeLessThan(1024 * 1024);
    },
  );

  it.each(Object.keys(SETS))(
    '%s: labels cover several classes, items are round-robin over prototypes',
    async (model) => {
      const spec = SETS[model]!;
      const arrays = parseNpz(new Uint8Array(await readFile(join(DATA, `${model}-labelled.npz`))), model);
      expect(arrays.get(spec.input)!.shape).toEqual([spec.items, ...spec.shape]);
      const labels = Array.from(npyValues(arrays.get('labels')!));
      expect(new Set(labels).size).toBeGreaterThanOrEqual(4);
      for (let i = spec.prototypes; i < spec.items; i++) expect(labels[i]).toBe(labels[i - spec.prototypes]);
    },
  );
});
