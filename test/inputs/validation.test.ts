import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type InputSpec as Spec, ValidationConfig } from '../../src/config/schema.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { encodeNpy } from '../../src/inputs/npy.js';
import { toFloat64 } from '../../src/inputs/tensor.js';
import { loadValidationSet, seededSubset } from '../../src/inputs/validation.js';
import { REPO_ROOT, tempDir } from '../helpers/tiny-config.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'npy');
const X: Spec = inputSpec({ name: 'x', shape: [2, 2, 3] });
const where = { file: 'trt-gate.yml', path: 'models[0].validation' };

function inputSpec(v: { name: string; shape: number[]; dtype?: 'float32' | 'float16' | 'int32' }): Spec {
  return {
    dtype: 'float32',
    data: { type: 'random', seed: 0, distribution: 'uniform', min: 0, max: 1, mean: 0, std: 1 },
    ...v,
  };
}

function load(
  dataPath: string,
  opts: Partial<ValidationConfig> = {},
  inputs = [X],
  batchSize = 2,
  labelsPath?: string,
) {
  const config = ValidationConfig.parse({ data: dataPath, ...opts });
  return loadValidationSet({ config, dataPath, labelsPath, inputs, batchSize, where });
}

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-validation-'));
});
afterEach(async () => cleanup());

describe('validation sets', () => {
  it('an .npz gives batches of its items in order, with their labels', async () => {
    const set = await load(join(FIXTURES, 'set-deflated.npz'));
    expect(set).toMatchObject({ total: 4, items: 4, batches: 2, batchSize: 2 });
    expect(set.subset).toBeUndefined();
    expect(Array.from(set.labels!)).toEqual([1, 0, 2, 1]);
    const second = set.batch(1).x!;
    expect(second.dims).toEqual([2, 2, 3]);
    expect(Array.from(toFloat64(second))).toEqual(Array.from({ length: 12 }, (_, i) => (i + 12) / 4));
  });

  it('a set larger than maxItems is a seeded subset of whole batches, recorded with its indices', async () => {
    const set = await load(join(FIXTURES, 'set-stored.npz'), { maxItems: 3, seed: 7 });
    expect(set.items).toBe(2); // 3 rounded down to a whole batch of 2
    expect(set.subset).toEqual({ seed: 7, indices: seededSubset(4, 2, 7) });
    const [a, b] = set.subset!.indices;
    expect(Array.from(set.labels!)).toEqual([[1, 0, 2, 1][a!], [1, 0, 2, 1][b!]]);
    expect(toFloat64(set.batch(0).x!)[0]).toBe((a! * 6) / 4);
    // The same seed draws the same subset; another seed (usually) another one.
    expect(seededSubset(1000, 10, 7)).toEqual(seededSubset(1000, 10, 7));
    expect(seededSubset(1000, 10, 7)).not.toEqual(seededSubset(1000, 10, 8));
    expect(new Set(seededSubset(1000, 500, 1)).size).toBe(500);
  });

  it('a directory of .npy chunks is concatenated in name order', async () => {
    await mkdir(join(dir, 'set'));
    await copyFile(join(FIXTURES, 'v2-f4.npy'), join(dir, 'set', 'b.npy'));
    await copyFile(join(FIXTURES, 'f4-4x2x3.npy'), join(dir, 'set', 'a.npy'));
    const labels = new BigInt64Array([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    await writeFile(
      join(dir, 'labels.npy'),
      encodeNpy({ dtype: 'int64', shape: [8], data: new Uint8Array(labels.buffer) }),
    );
    const set = await load(join(dir, 'set'), {}, [X], 4, join(dir, 'labels.npy'));
    expect(set).toMatchObject({ total: 8, items: 8, batches: 2 });
    expect(Array.from(toFloat64(set.batch(1).x!)).slice(0, 2)).toEqual([0, 0.25]); // b.npy's first item
    expect(Array.from(set.labels!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("float64 (NumPy's default) and float16 arrays feed a float32 input", async () => {
    for (const f of ['f8-4x2x3.npy', 'f2-4x2x3.npy']) {
      const set = await load(join(FIXTURES, f));
      expect(set.batch(0).x!.dtype).toBe('float32');
      expect(Array.from(toFloat64(set.batch(0).x!))).toEqual(Array.from({ length: 12 }, (_, i) => i / 4));
    }
  });

  it('errors name the file and what was expected', async () => {
    const npz = join(FIXTURES, 'set-deflated.npz');
    await expect(load(npz, {}, [inputSpec({ name: 'image', shape: [2, 2, 3] })])).rejects.toThrow(
      /models\[0\]\.validation\.data: .*has no array named "image" \(has: (x, labels|labels, x)\)/,
    );
    await expect(load(npz, {}, [inputSpec({ name: 'x', shape: [2, 3, 2] })])).rejects.toThrow(
      /array "x" has shape \[4, 2, 3\]; expected \[N, 3, 2\]/,
    );
    await expect(load(npz, {}, [inputSpec({ name: 'x', shape: [2, 2, 3], dtype: 'int32' })])).rejects.toThrow(
      DataError,
    );
    await expect(load(npz, {}, [X], 8)).rejects.toThrow(/4 items, fewer than one batch of 8/);
    await expect(load(join(dir, 'missing.npz'))).rejects.toThrow(ConfigError);
    await mkdir(join(dir, 'empty'));
    await expect(load(join(dir, 'empty'))).rejects.toThrow(/holds no \.npy or \.npz files/);
    await expect(load(npz, {}, [X], 2, join(FIXTURES, 'f4-4x2x3.npy'))).rejects.toThrow(
      /labels are float32 \[4, 2, 3\]; expected integer class indices of shape \[4\]/,
    );
  });
});
