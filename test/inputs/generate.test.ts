import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputSpec } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { InputSource, tensorBytes, withBatch } from '../../src/inputs/generate.js';
import { halfToFloat } from '../../src/inputs/tensor.js';
import { tempDir } from '../helpers/tiny-config.js';

const identity = (p: string) => p;

function spec(raw: Record<string, unknown>): InputSpec {
  return InputSpec.parse(raw);
}

function values(source: InputSource, sample: number, name = 'x'): Promise<number[]> {
  return source.sample(sample).then((set) => Array.from(set[name]!.data as ArrayLike<number>));
}

describe('InputSource: random data', () => {
  const uniform = spec({ name: 'x', shape: [2, 8], data: { type: 'random', seed: 7, min: -1, max: 3 } });

  it('same seed and sample index → identical tensors, across instances', async () => {
    const a = await new InputSource([uniform], identity).sample(2);
    const b = await new InputSource([uniform], identity).sample(2);
    expect(a.x!.dims).toEqual([2, 8]);
    expect(a.x!.dtype).toBe('float32');
    expect(a.x!.data).toBeInstanceOf(Float32Array);
    expect(a.x!.data).toHaveLength(16);
    expect(Array.from(a.x!.data as Float32Array)).toEqual(Array.from(b.x!.data as Float32Array));
  });

  it('a sample does not depend on which samples were drawn before', async () => {
    const fresh = await values(new InputSource([uniform], identity), 3);
    const source = new InputSource([uniform], identity);
    for (let s = 0; s < 3; s++) await source.sample(s);
    expect(await values(source, 3)).toEqual(fresh);
  });

  it('a different sample index or seed → different tensors', async () => {
    const source = new InputSource([uniform], identity);
    const s0 = await values(source, 0);
    const s1 = await values(source, 1);
    expect(s1).not.toEqual(s0);
    const reseeded = spec({ name: 'x', shape: [2, 8], data: { type: 'random', seed: 8, min: -1, max: 3 } });
    expect(await values(new InputSource([reseeded], identity), 0)).not.toEqual(s0);
  });

  it('two inputs with the same seed still get different streams', async () => {
    const a = spec({ name: 'a', shape: [16], data: { type: 'random', seed: 1 } });
    const b = spec({ name: 'b', shape: [16], data: { type: 'random', seed: 1 } });
    const set = await new InputSource([a, b], identity).sample(0);
    expect(Array.from(set.a!.data as Float32Array)).not.toEqual(Array.from(set.b!.data as Float32Array));
  });

  it('uniform values stay within [min, max]', async () => {
    const v = await values(new InputSource([uniform], identity), 0);
    for (const x of v) {
      expect(x).toBeGreaterThanOrEqual(-1);
      expect(x).toBeLessThanOrEqual(3);
    }
    expect(new Set(v).size).toBeGreaterThan(1);
  });

  it('normal values have roughly the configured mean and std (deterministic seed)', async () => {
    const normal = spec({
      name: 'x',
      shape: [20_000],
      data: { type: 'random', seed: 3, distribution: 'normal', mean: 5, std: 2 },
    });
    const v = await values(new InputSource([normal], identity), 0);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
    expect(mean).toBeGreaterThan(4.9);
    expect(mean).toBeLessThan(5.1);
    expect(std).toBeGreaterThan(1.9);
    expect(std).toBeLessThan(2.1);
  });

  it('produces the configured dtype', async () => {
    const inputs = [
      spec({ name: 'i32', shape: [4], dtype: 'int32', data: { type: 'random', min: 0, max: 10 } }),
      spec({ name: 'i64', shape: [4], dtype: 'int64', data: { type: 'random', min: 0, max: 10 } }),
      spec({ name: 'h', shape: [4], dtype: 'float16' }),
    ];
    const set = await new InputSource(inputs, identity).sample(0);
    expect(set.i32!.data).toBeInstanceOf(Int32Array);
    for (const x of set.i32!.data as Int32Array) expect(x === Math.round(x) && x >= 0 && x <= 10).toBe(true);
    expect(set.i64!.data).toBeInstanceOf(BigInt64Array);
    expect(set.h!.data).toBeInstanceOf(Uint16Array);
    for (const bits of set.h!.data as Uint16Array) {
      const x = halfToFloat(bits);
      expect(x >= 0 && x <= 1).toBe(true);
    }
  });
});

describe('InputSource: file data', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    await cleanup();
  });

  const fileSpec = (path: string) => spec({ name: 'x', shape: [1, 2], data: { type: 'file', path } });

  it('slices one sample after another and wraps around', async () => {
    // Three samples of shape [1, 2] float32 = 8 bytes each.
    await writeFile(join(dir, 'in.bin'), new Uint8Array(Float32Array.from([1, 2, 3, 4, 5, 6]).buffer));
    const source = new InputSource([fileSpec('in.bin')], (p) => join(dir, p));
    expect(await values(source, 0)).toEqual([1, 2]);
    expect(await values(source, 1)).toEqual([3, 4]);
    expect(await values(source, 2)).toEqual([5, 6]);
    expect(await values(source, 3)).toEqual([1, 2]);
    const t = (await source.sample(1)).x!;
    expect(t.dims).toEqual([1, 2]);
    expect(t.data).toBeInstanceOf(Float32Array);
    // Raw bytes round-trip (what trtexec's --loadInputs would read).
    expect(Array.from(new Float32Array(tensorBytes(t).slice().buffer))).toEqual([3, 4]);
  });

  it('a file whose size is not a multiple of one sample → ConfigError naming data.path', async () => {
    await writeFile(join(dir, 'short.bin'), new Uint8Array(20));
    const source = new InputSource([fileSpec('short.bin')], (p) => join(dir, p), {
      file: 'my.yml',
      prefix: 'models[0].',
    });
    const error = await source.sample(0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]!.file).toBe('my.yml');
    expect(issues[0]!.path).toBe('models[0].inputs[0].data.path');
    expect(issues[0]!.message).toMatch(/has 20 bytes; expected a multiple of 8 \(1x2 float32\)/);
    expect((error as ConfigError).exitCode).toBe(2);
  });

  it('an empty file is refused too', async () => {
    await writeFile(join(dir, 'empty.bin'), new Uint8Array(0));
    const source = new InputSource([fileSpec('empty.bin')], (p) => join(dir, p), {
      file: 'c.yml',
      prefix: 'models[2].',
    });
    await expect(source.sample(0)).rejects.toMatchObject({
      issues: [{ file: 'c.yml', path: 'models[2].inputs[0].data.path' }],
    });
  });

  it('a missing file → ConfigError naming data.path', async () => {
    const source = new InputSource([fileSpec('absent.bin')], (p) => join(dir, p), {
      file: 'c.yml',
      prefix: 'models[0].',
    });
    await expect(source.sample(0)).rejects.toBeInstanceOf(ConfigError);
    await expect(source.sample(0)).rejects.toMatchObject({
      issues: [
        { path: 'models[0].inputs[0].data.path', message: expect.stringMatching(/cannot read input file/) },
      ],
    });
  });
});

describe('helpers', () => {
  it('withBatch replaces dimension 0 only and leaves the spec alone', () => {
    const input = spec({ name: 'x', shape: [1, 3, 32, 32] });
    expect(withBatch(input, 8).shape).toEqual([8, 3, 32, 32]);
    expect(input.shape).toEqual([1, 3, 32, 32]);
  });
});
