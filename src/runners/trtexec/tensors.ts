/**
 * Tensors in and out of trtexec: inputs as raw little-endian files for `--loadInputs=name:file,...`
 * (the bytes of `tensorBytes`), outputs read back from `--exportOutput` JSON as float32.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TensorDType } from '../../config/schema.js';
import { tensorBytes } from '../../inputs/generate.js';
import type { TensorSet } from '../../inputs/tensor.js';
import type { OutputTensor } from './parse/export-output.js';
import { formatVersion, type TrtVersion } from './parse/version.js';

/** Why trtexec cannot take an input of this dtype, or undefined when it can. */
export function unsupportedInputDtype(dtype: TensorDType, version: TrtVersion): string | undefined {
  if (dtype === 'int8') {
    return 'TensorRT int8 network inputs need a quantization scale that --loadInputs cannot carry; feed float32 into a Q/DQ model instead';
  }
  if (dtype === 'int64' && version.major < 10) {
    return `TensorRT ${formatVersion(version)} has no int64 I/O (the ONNX parser casts it to int32); use int32 inputs or TensorRT 10`;
  }
  return undefined;
}

export class InputDtypeError extends Error {}

/** Writes one raw file per input; returns the `--loadInputs` pairs. */
export async function writeInputFiles(
  dir: string,
  feeds: TensorSet,
  version: TrtVersion,
): Promise<Array<{ name: string; file: string }>> {
  await mkdir(dir, { recursive: true });
  const out: Array<{ name: string; file: string }> = [];
  for (const [i, [name, tensor]] of Object.entries(feeds).entries()) {
    const why = unsupportedInputDtype(tensor.dtype, version);
    if (why) throw new InputDtypeError(`input ${name} is ${tensor.dtype}: ${why}`);
    const file = join(dir, `input-${i}.${tensor.dtype}.bin`);
    await writeFile(file, tensorBytes(tensor));
    out.push({ name, file });
  }
  return out;
}

/** `--exportOutput` tensors → a TensorSet of float32 (NaN/±Inf kept as they were printed). */
export function outputsToTensorSet(outputs: OutputTensor[]): TensorSet {
  const set: TensorSet = {};
  for (const o of outputs) {
    set[o.name] = { dtype: 'float32', dims: [...o.dims], data: Float32Array.from(o.values) };
  }
  return set;
}
