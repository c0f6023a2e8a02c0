import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { encodeNpy, npyValues, parseNpy } from '../../src/inputs/npy.js';
import { encodeNpz, parseNpz } from '../../src/inputs/npz.js';
import { REPO_ROOT } from '../helpers/tiny-config.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'npy');
const read = async (f: string) => new Uint8Array(await readFile(join(FIXTURES, f)));
const EXPECTED = Array.from({ length: 24 }, (_, i) => i / 4);

describe('.npy files written by NumPy', () => {
  it.each(['f4-4x2x3.npy', 'f8-4x2x3.npy', 'f2-4x2x3.npy', 'v2-f4.npy'])(
    '%s: shape and values',
    async (f) => {
      const a = parseNpy(await read(f), f);
      expect(a.shape).toEqual([4, 2, 3]);
      expect(Array.from(npyValues(a))).toEqual(EXPECTED);
    },
  );

  it('reads dtypes by kind and size', async () => {
    expect(parseNpy(await read('f2-4x2x3.npy'), 'x').dtype).toBe('float16');
    expect(parseNpy(await read('f8-4x2x3.npy'), 'x').dtype).toBe('float64');
    const labels = parseNpy(await read('labels-i8.npy'), 'x');
    expect(labels.dtype).toBe('int64');
    expect(Array.from(npyValues(labels))).toEqual([1, 0, 2, 1]);
  });

  it.each([
    ['fortran-2x3.npy', /fortran_order is True.*C order/],
    ['big-endian-f4.npy', /big-endian/],
    ['structured.npy', /structured dtypes/],
  ])('%s is refused with a reason', async (f, reason) => {
    const bytes = await read(f);
    expect(() => parseNpy(bytes, f)).toThrow(DataError);
    expect(() => parseNpy(bytes, f)).toThrow(reason);
    expect(() => parseNpy(bytes, f)).toThrow(f);
  });

  it('a truncated file or a missing magic is a DataError naming the file', async () => {
    const bytes = await read('f4-4x2x3.npy');
    expect(() => parseNpy(bytes.subarray(0, bytes.length - 4), 'cut.npy')).toThrow(
      /cut\.npy.*needs 96 bytes/,
    );
    expect(() => parseNpy(new TextEncoder().encode('hello world!'), 'h.npy')).toThrow(/magic/);
  });

  it("trt-gate's writer round-trips and NumPy's header layout is kept (64-byte aligned)", async () => {
    const a = parseNpy(await read('f4-4x2x3.npy'), 'x');
    const bytes = encodeNpy(a);
    expect(bytes).toEqual(await read('f4-4x2x3.npy'));
  });
});

describe('.npz archives written by NumPy', () => {
  it.each(['set-stored.npz', 'set-deflated.npz'])('%s: arrays by name', async (f) => {
    const arrays = parseNpz(await read(f), f);
    expect([...arrays.keys()].sort()).toEqual(['labels', 'x']);
    expect(Array.from(npyValues(arrays.get('x')!))).toEqual(EXPECTED);
    expect(Array.from(npyValues(arrays.get('labels')!))).toEqual([1, 0, 2, 1]);
  });

  it('a corrupt archive is a DataError naming the file', async () => {
    const bytes = (await read('set-deflated.npz')).slice(0, 200);
    expect(() => parseNpz(bytes, 'bad.npz')).toThrow(/bad\.npz: not a readable \.npz/);
  });

  it('encodeNpz writes deterministic archives that parse back', () => {
    const x = {
      dtype: 'float32' as const,
      shape: [2],
      data: new Uint8Array(new Float32Array([1.5, -2]).buffer),
    };
    const a = encodeNpz({ x });
    expect(encodeNpz({ x })).toEqual(a);
    expect(Array.from(npyValues(parseNpz(a, 'a.npz').get('x')!))).toEqual([1.5, -2]);
  });
});
