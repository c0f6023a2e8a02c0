import { floatToHalf } from '../../../src/inputs/tensor.js';
import type { OnnxInitializer, OnnxNode } from './builder.js';
import { float32Raw } from './builder.js';

/** How a weight tensor is stored in a model variant; compute stays fp32 in every case. */
export type WeightEncoding = 'fp32' | 'fp16' | 'int8';

export interface EncodedWeight {
  initializers: OnnxInitializer[];
  /** Nodes that turn the stored form back into an fp32 tensor named `name`. */
  nodes: OnnxNode[];
}

/**
 * Stores `values` under `name` as fp32, as fp16 + Cast, or as int8 + DequantizeLinear (per-tensor
 * symmetric scale: a deliberately simple scheme, so the int8 error is real and visible).
 */
export function encodeWeight(
  name: string,
  dims: number[],
  values: Float32Array,
  encoding: WeightEncoding,
): EncodedWeight {
  if (encoding === 'fp32') {
    return { initializers: [{ name, dims, dtype: 'float', raw: float32Raw(values) }], nodes: [] };
  }
  if (encoding === 'fp16') {
    const half = Uint16Array.from(values, floatToHalf);
    return {
      initializers: [{ name: `${name}_fp16`, dims, dtype: 'float16', raw: new Uint8Array(half.buffer) }],
      nodes: [{ op: 'Cast', inputs: [`${name}_fp16`], outputs: [name], attributes: { to: 1 } }],
    };
  }
  let maxAbs = 0;
  for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs > 0 ? maxAbs / 127 : 1;
  const q = Int8Array.from(values, (v) => Math.max(-127, Math.min(127, Math.round(v / scale))));
  return {
    initializers: [
      { name: `${name}_int8`, dims, dtype: 'int8', raw: new Uint8Array(q.buffer) },
      { name: `${name}_scale`, dims: [], dtype: 'float', raw: float32Raw([scale]) },
      { name: `${name}_zero`, dims: [], dtype: 'int8', raw: new Uint8Array([0]) },
    ],
    nodes: [
      {
        op: 'DequantizeLinear',
        inputs: [`${name}_int8`, `${name}_scale`, `${name}_zero`],
        outputs: [name],
      },
    ],
  };
}
