import type { TensorDType } from '../config/schema.js';

export type TensorData =
  | Float32Array
  | Uint16Array // float16 bits
  | Int32Array
  | BigInt64Array
  | Int8Array
  | Uint8Array;

/** A tensor in host memory, independent of any runtime's tensor type. */
export interface HostTensor {
  dtype: TensorDType;
  dims: number[];
  data: TensorData;
}

export type TensorSet = Record<string, HostTensor>;

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Values as float64 for metrics, whatever the stored dtype (float16 bits are decoded). */
export function toFloat64(tensor: HostTensor): Float64Array {
  if (tensor.dtype === 'float16') return Float64Array.from(tensor.data as Uint16Array, halfToFloat);
  if (tensor.data instanceof BigInt64Array) return Float64Array.from(tensor.data, (v) => Number(v));
  return Float64Array.from(tensor.data as ArrayLike<number>);
}

/** IEEE 754 binary16 bits → number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * At an exact float32 half-way point between two halves: the float32 value may itself be a rounding
 * of `value` (float64), so `value`'s side of the tie decides; only a true tie goes to even.
 */
function roundsUpOnTie(value: number, half: number): boolean {
  const a = Math.abs(value);
  const b = Math.abs(f32[0]!);
  return a === b ? (half & 1) === 1 : a > b;
}

/** number → IEEE 754 binary16 bits, round to nearest even. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && roundsUpOnTie(value, half))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && roundsUpOnTie(value, half))) half++;
  if ((half & 0x7c00) === 0x7c00 && e < 0x1f) e = 0x1f;
  return sign | half;
}
