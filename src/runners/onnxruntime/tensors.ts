import type * as ort from 'onnxruntime-node';
import type { TensorDType } from '../../config/schema.js';
import type { HostTensor, TensorData, TensorSet } from '../../inputs/tensor.js';
import type { Ort } from './ort.js';

const TO_ORT: Record<TensorDType, ort.Tensor.Type> = {
  float32: 'float32',
  float16: 'float16',
  int32: 'int32',
  int64: 'int64',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

const FROM_ORT: Partial<Record<ort.Tensor.Type, TensorDType>> = Object.fromEntries(
  Object.entries(TO_ORT).map(([k, v]) => [v, k as TensorDType]),
);

export function toOrtFeeds(runtime: Ort, feeds: TensorSet): Record<string, ort.Tensor> {
  return Object.fromEntries(
    Object.entries(feeds).map(([name, t]) => [
      name,
      new runtime.Tensor(TO_ORT[t.dtype], t.data as ort.Tensor.DataType, t.dims),
    ]),
  );
}

export function fromOrtOutputs(outputs: ort.InferenceSession.OnnxValueMapType): TensorSet {
  const set: TensorSet = {};
  for (const [name, value] of Object.entries(outputs)) {
    const tensor = value as ort.Tensor;
    const dtype = FROM_ORT[tensor.type];
    if (!dtype) throw new Error(`output ${name} has type ${tensor.type}, which trt-gate cannot compare`);
    const host: HostTensor = { dtype, dims: [...tensor.dims], data: tensor.data as TensorData };
    set[name] = host;
  }
  return set;
}
