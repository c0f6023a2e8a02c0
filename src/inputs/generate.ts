import { readFile } from 'node:fs/promises';
import type { InputSpec, TensorDType } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { mulberry32, normalSource } from '../util/prng.js';
import { elementCount, floatToHalf, type HostTensor, type TensorData, type TensorSet } from './tensor.js';

const BYTES: Record<TensorDType, number> = {
  float32: 4,
  float16: 2,
  int32: 4,
  int64: 8,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** The input with its first dimension set to `batchSize` (the batch axis of a sweep). */
export function withBatch(input: InputSpec, batchSize: number): InputSpec {
  return { ...input, shape: [batchSize, ...input.shape.slice(1)] };
}

function fromNumbers(dtype: TensorDType, values: Float64Array): TensorData {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float16':
      return Uint16Array.from(values, floatToHalf);
    case 'int32':
      return Int32Array.from(values, Math.round);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(Math.round(v)));
    case 'int8':
      return Int8Array.from(values, Math.round);
    case 'uint8':
    case 'bool':
      return Uint8Array.from(values, Math.round);
  }
}

/** A typed array of `dtype` over a copy of little-endian `bytes`. */
export function fromBytes(dtype: TensorDType, bytes: Uint8Array): TensorData {
  const copy = bytes.slice();
  const buffer = copy.buffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer);
    case 'float16':
      return new Uint16Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'int64':
      return new BigInt64Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'uint8':
    case 'bool':
      return copy;
  }
}

/**
 * Deterministic input tensors for sample `index`: a seeded stream per (input, sample), so sample 3
 * is the same whether 4 or 400 samples are drawn, and the same for every runner (trtexec gets these
 * bytes through --loadInputs).
 */
export class InputSource {
  private readonly fileCache = new Map<string, Uint8Array>();

  constructor(
    private readonly inputs: InputSpec[],
    private readonly resolvePath: (p: string) => string,
    /** Where these inputs are declared, for error messages: the config file and e.g. `models[1]`. */
    private readonly where = { file: 'trt-gate.yml', prefix: '' },
  ) {}

  async sample(index: number): Promise<TensorSet> {
    const feeds: TensorSet = {};
    for (const [i, input] of this.inputs.entries()) {
      feeds[input.name] = await this.tensor(input, i, index);
    }
    return feeds;
  }

  private async tensor(input: InputSpec, position: number, index: number): Promise<HostTensor> {
    const count = elementCount(input.shape);
    const data = input.data;
    if (data.type === 'random') {
      const uniform = mulberry32(mixSeed(data.seed, position, index));
      const normal = normalSource(uniform);
      const values = new Float64Array(count);
      for (let k = 0; k < count; k++) {
        values[k] =
          data.distribution === 'normal'
            ? data.mean + data.std * normal()
            : data.min + (data.max - data.min) * uniform();
      }
      return { dtype: input.dtype, dims: [...input.shape], data: fromNumbers(input.dtype, values) };
    }
    const file = this.resolvePath(data.path);
    const bytes = await this.readInputFile(file, position);
    const sampleBytes = count * BYTES[input.dtype];
    if (bytes.length === 0 || bytes.length % sampleBytes !== 0) {
      throw new ConfigError([
        {
          file: this.where.file,
          path: `${this.where.prefix}inputs[${position}].data.path`,
          message: `${file} has ${bytes.length} bytes; expected a multiple of ${sampleBytes} (${input.shape.join('x')} ${input.dtype})`,
        },
      ]);
    }
    const samples = bytes.length / sampleBytes;
    const start = (index % samples) * sampleBytes;
    return {
      dtype: input.dtype,
      dims: [...input.shape],
      data: fromBytes(input.dtype, bytes.subarray(start, start + sampleBytes)),
    };
  }

  private async readInputFile(file: string, position: number): Promise<Uint8Array> {
    const cached = this.fileCache.get(file);
    if (cached) return cached;
    try {
      const bytes = new Uint8Array(await readFile(file));
      this.fileCache.set(file, bytes);
      return bytes;
    } catch (error) {
      throw new ConfigError([
        {
          file: this.where.file,
          path: `${this.where.prefix}inputs[${position}].data.path`,
          message: `cannot read input file ${file}: ${(error as Error).message}`,
        },
      ]);
    }
  }
}

/** Hashes (seed, input position, sample index) into one 32-bit seed so that streams never alias. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}

/** The raw little-endian bytes of a tensor, as trtexec's --loadInputs expects. */
export function tensorBytes(tensor: HostTensor): Uint8Array {
  const d = tensor.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}
