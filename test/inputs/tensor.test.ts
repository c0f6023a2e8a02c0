import { describe, expect, it } from 'vitest';
import { elementCount, floatToHalf, halfToFloat, toFloat64 } from '../../src/inputs/tensor.js';

describe('float16 conversions', () => {
  it.each([
    // value, binary16 bits
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff], // largest finite half
    [2 ** -14, 0x0400], // smallest normal, 6.103515625e-5
    [2 ** -24, 0x0001], // smallest subnormal
    [0, 0x0000],
    [Number.POSITIVE_INFINITY, 0x7c00],
    [Number.NEGATIVE_INFINITY, 0xfc00],
  ])('%d ↔ half bits %i exactly', (value, bits) => {
    expect(floatToHalf(value)).toBe(bits);
    expect(halfToFloat(bits)).toBe(value);
  });

  it('6.1e-5 is just below the smallest normal: it becomes the largest subnormal', () => {
    // 6.1e-5 / 2^-24 = 1023.41… → rounds to 1023 = 0x03ff (exponent 0: subnormal).
    const bits = floatToHalf(6.1e-5);
    expect(bits).toBe(0x03ff);
    expect(halfToFloat(bits)).toBe(1023 * 2 ** -24); // 6.0975551605224609375e-5
    expect(Math.abs(halfToFloat(bits) - 6.1e-5)).toBeLessThan(2 ** -25);
  });

  it('NaN stays NaN', () => {
    const bits = floatToHalf(Number.NaN);
    expect(bits & 0x7c00).toBe(0x7c00);
    expect(bits & 0x03ff).not.toBe(0);
    expect(halfToFloat(bits)).toBeNaN();
    expect(halfToFloat(0x7c01)).toBeNaN();
  });

  it('keeps the sign of zero', () => {
    expect(floatToHalf(-0)).toBe(0x8000);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });

  it('rounds to nearest, ties to even, overflowing to Infinity and underflowing to 0', () => {
    expect(floatToHalf(0.1)).toBe(0x2e66); // 0.0999755859375
    // 1 + 2^-11 is half-way between 1 (0x3c00, even) and 1 + 2^-10 (0x3c01): ties go to even.
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3·2^-11 is half-way between 0x3c01 (odd) and 0x3c02 (even).
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(floatToHalf(65519)).toBe(0x7bff); // below the half-way point to 65536
    expect(floatToHalf(65520)).toBe(0x7c00); // half-way, rounds to even = Infinity
    expect(floatToHalf(1e6)).toBe(0x7c00);
    expect(floatToHalf(-1e6)).toBe(0xfc00);
    expect(floatToHalf(2 ** -26)).toBe(0); // below half the smallest subnormal
    expect(floatToHalf(2 ** -25)).toBe(0); // exactly half: ties to even (0)
    expect(floatToHalf(1.5 * 2 ** -25)).toBe(1); // above half: smallest subnormal
    // Subnormal rounding that carries into the smallest normal.
    expect(floatToHalf(2 ** -14 - 2 ** -26)).toBe(0x0400);
  });

  it('rounds from the float64 value, not from its float32 rounding (no double rounding)', () => {
    // 1 + 2^-11 + 2^-40 is just above the half-way point between 0x3c00 and 0x3c01, so the nearest
    // half is 0x3c01. Its float32 rounding is exactly 1 + 2^-11, a tie that would go to even (0x3c00).
    expect(floatToHalf(1 + 2 ** -11 + 2 ** -40)).toBe(0x3c01);
    expect(floatToHalf(1 + 2 ** -11 - 2 ** -40)).toBe(0x3c00);
    expect(floatToHalf(-(1 + 3 * 2 ** -11 - 2 ** -40))).toBe(0xbc01);
    // The same just above/below half the smallest subnormal (2^-25).
    expect(floatToHalf(2 ** -25 * (1 + 2 ** -40))).toBe(1);
    expect(floatToHalf(2 ** -25 * (1 - 2 ** -40))).toBe(0);
    // And just below the overflow point 65520 (nearest half: 65504).
    expect(floatToHalf(65520 - 2 ** -20)).toBe(0x7bff);
  });

  it('round-trips every non-NaN half bit pattern', () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = halfToFloat(bits);
      if (Number.isNaN(value)) continue;
      if (floatToHalf(value) !== bits) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });
});

describe('toFloat64', () => {
  it('decodes float16 bits, widens BigInt64 and copies other types', () => {
    expect(
      Array.from(
        toFloat64({ dtype: 'float16', dims: [3], data: Uint16Array.from([0x3c00, 0xc000, 0x7bff]) }),
      ),
    ).toEqual([1, -2, 65504]);
    expect(Array.from(toFloat64({ dtype: 'int64', dims: [2], data: BigInt64Array.from([3n, -4n]) }))).toEqual(
      [3, -4],
    );
    expect(Array.from(toFloat64({ dtype: 'int8', dims: [2], data: Int8Array.from([-128, 127]) }))).toEqual([
      -128, 127,
    ]);
    expect(Array.from(toFloat64({ dtype: 'float32', dims: [1], data: Float32Array.from([0.25]) }))).toEqual([
      0.25,
    ]);
  });
});

describe('elementCount', () => {
  it('multiplies dimensions', () => {
    expect(elementCount([1, 3, 32, 32])).toBe(3072);
    expect(elementCount([])).toBe(1);
  });
});
