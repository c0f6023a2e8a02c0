import { DataError } from '../errors.js';
import { halfToFloat } from './tensor.js';

/**
 * NumPy's .npy format (numpy.lib.format, versions 1.0–3.0): the magic string "\x93NUMPY", a
 * version, a little-endian header length (2 bytes in 1.0, 4 in 2.0/3.0), and a Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (8, 3), }` padded with spaces to a multiple
 * of 64 bytes, then the data in C order. Only plain numeric dtypes are read; Fortran order,
 * object arrays and structured dtypes are refused with a message saying how to convert.
 */

/** Element types trt-gate reads, by NumPy kind + item size. */
export type NpyDType =
  | 'float16'
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool';

const DESCR: Record<string, NpyDType> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  b1: 'bool',
};

const ITEM_BYTES: Record<NpyDType, number> = {
  float16: 2,
  float32: 4,
  float64: 8,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
};

export function npyItemBytes(dtype: NpyDType): number {
  return ITEM_BYTES[dtype];
}

/** A parsed array: its raw little-endian bytes in C order, not yet converted. */
export interface NpyArray {
  dtype: NpyDType;
  shape: number[];
  /** Little-endian element bytes, C order (a view into the file's bytes). */
  data: Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function fail(file: string, message: string): never {
  throw new DataError(`${file}: not a readable .npy array: ${message}`, file);
}

/** Parses one .npy file's bytes; `file` names it in errors (for .npz members: `a.npz:x.npy`). */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail(file, 'missing the \\x93NUMPY magic');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail(file, 'truncated header');
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    fail(file, `format version ${major}.${bytes[7]} (expected 1.0, 2.0 or 3.0)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail(file, `header of ${headerLength} bytes runs past the end of the file`);
  const encoding = major === 3 ? 'utf-8' : 'latin1';
  const header = new TextDecoder(encoding).decode(bytes.subarray(headerStart, dataStart));
  const { dtype, shape } = parseHeader(header, file);
  const count = shape.reduce((a, b) => a * b, 1);
  const size = count * ITEM_BYTES[dtype];
  if (bytes.length - dataStart < size) {
    fail(
      file,
      `shape (${shape.join(', ')}) needs ${size} bytes of data, the file has ${bytes.length - dataStart}`,
    );
  }
  return { dtype, shape, data: bytes.subarray(dataStart, dataStart + size) };
}

const DICT = /^\s*\{(.*)\}\s*$/s;
const DESCR_RE = /'descr'\s*:\s*(?:'([^']*)'|(\[))/;
const FORTRAN_RE = /'fortran_order'\s*:\s*(True|False)/;
const SHAPE_RE = /'shape'\s*:\s*\(([^)]*)\)/;

function parseHeader(header: string, file: string): { dtype: NpyDType; shape: number[] } {
  const body = DICT.exec(header)?.[1];
  if (body === undefined) fail(file, `header is not a dict literal: ${JSON.stringify(header.slice(0, 80))}`);
  const descr = DESCR_RE.exec(body);
  if (!descr) fail(file, "header has no 'descr'");
  if (descr[2])
    fail(file, 'structured dtypes (record arrays) are not supported; save one plain array per input');
  const fortran = FORTRAN_RE.exec(body)?.[1];
  if (fortran === undefined) fail(file, "header has no 'fortran_order'");
  if (fortran === 'True') {
    fail(file, 'fortran_order is True; save the array in C order (numpy.ascontiguousarray(a)) and try again');
  }
  const shapeText = SHAPE_RE.exec(body)?.[1];
  if (shapeText === undefined) fail(file, "header has no 'shape' tuple");
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^\d+L?$/.test(s)) fail(file, `shape entry "${s}" is not a non-negative integer`);
      return Number.parseInt(s, 10);
    });
  return { dtype: parseDescr(descr[1]!, file), shape };
}

function parseDescr(descr: string, file: string): NpyDType {
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) fail(file, `dtype '${descr}' is not a plain numeric type (expected e.g. '<f4', '<i8', '|u1')`);
  const [, order, kind, size] = m;
  const dtype = DESCR[`${kind}${size}`];
  if (!dtype) {
    fail(file, `dtype '${descr}' is not supported (expected float16/32/64, int8–64, uint8–64 or bool)`);
  }
  // '=' is native order, which for every platform NumPy writes .npy on here is little-endian.
  if (order === '>' && ITEM_BYTES[dtype] > 1) {
    fail(file, `dtype '${descr}' is big-endian; save it little-endian (a.astype('<${kind}${size}'))`);
  }
  return dtype;
}

/** Serialises an array as .npy version 1.0 (used by the sample-set generator and tests). */
export function encodeNpy(array: NpyArray): Uint8Array {
  const code = Object.entries(DESCR).find(([, d]) => d === array.dtype)![0];
  const order = ITEM_BYTES[array.dtype] === 1 ? '|' : '<';
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${order}${code}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += `${' '.repeat((64 - (total % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + header.length + array.data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(array.data, 10 + header.length);
  return out;
}

/** The array's elements as numbers (integers beyond 2^53 lose precision). */
export function npyValues(array: NpyArray): Float64Array {
  const n = array.data.length / ITEM_BYTES[array.dtype];
  const view = new DataView(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Float64Array(n);
  const read = READERS[array.dtype];
  for (let i = 0; i < n; i++) out[i] = read(view, i);
  return out;
}

type Reader = (view: DataView, index: number) => number;

export const READERS: Record<NpyDType, Reader> = {
  float16: (v, i) => halfToFloat(v.getUint16(i * 2, true)),
  float32: (v, i) => v.getFloat32(i * 4, true),
  float64: (v, i) => v.getFloat64(i * 8, true),
  int8: (v, i) => v.getInt8(i),
  int16: (v, i) => v.getInt16(i * 2, true),
  int32: (v, i) => v.getInt32(i * 4, true),
  int64: (v, i) => Number(v.getBigInt64(i * 8, true)),
  uint8: (v, i) => v.getUint8(i),
  uint16: (v, i) => v.getUint16(i * 2, true),
  uint32: (v, i) => v.getUint32(i * 4, true),
  uint64: (v, i) => Number(v.getBigUint64(i * 8, true)),
  bool: (v, i) => (v.getUint8(i) ? 1 : 0),
};
