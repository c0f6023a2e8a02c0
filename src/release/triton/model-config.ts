import type { TensorSignature } from '../../onnx/signature.js';
import type { KnownEntry } from '../../results/schema.js';
import type { PlainMessage } from './pbtxt.js';

/** onnx.TensorProto.DataType → Triton DataType. */
const DATA_TYPES: Record<number, string> = {
  1: 'TYPE_FP32',
  2: 'TYPE_UINT8',
  3: 'TYPE_INT8',
  4: 'TYPE_UINT16',
  5: 'TYPE_INT16',
  6: 'TYPE_INT32',
  7: 'TYPE_INT64',
  8: 'TYPE_STRING',
  9: 'TYPE_BOOL',
  10: 'TYPE_FP16',
  11: 'TYPE_FP64',
  12: 'TYPE_UINT32',
  13: 'TYPE_UINT64',
  16: 'TYPE_BF16',
};

export interface TritonModelPlan {
  name: string;
  platform: 'tensorrt_plan' | 'onnxruntime_onnx';
  /** compute capability → file name in the version directory (TensorRT); one file otherwise. */
  files: Record<string, string>;
  maxBatchSize: number;
  preferredBatchSizes: number[];
  /**
   * The batches a TensorRT engine was built for (dimension 0 of its profile, or the one batch of a
   * fixed-shape build). Triton batches only an engine that takes every batch from 1 up; any other
   * is a non-batching model: max_batch_size 0, its dims whole, dimension 0 the engine's own.
   */
  engineBatch?: { min: number; max: number };
  instances: number;
  instanceKind: 'KIND_GPU' | 'KIND_CPU';
}

/** Dims as Triton reads them: without the batch when batched, else whole with a fixed batch filled in. */
function tensor(t: TensorSignature, batch: number | 'batched', where: string): PlainMessage {
  const dataType = DATA_TYPES[t.elemType];
  if (!dataType)
    throw new Error(`${where} ${t.name}: ONNX element type ${t.elemType} has no Triton data type`);
  const dims =
    batch === 'batched' ? t.dims.slice(1) : t.dims.map((d, i) => (i === 0 && d === -1 ? batch : d));
  return { name: t.name, data_type: dataType, dims };
}

/**
 * Batching settings from the measurements. The sweep's chosen batch is the preferred batch size;
 * max_batch_size is the largest batch the shipped engine accepts that stayed within the SLO (for a
 * TensorRT engine, the top of its build profile; one that does not take batch 1 is not batched at all,
 * see TritonModelPlan.engineBatch). Without a sweep, the entry's own batch size.
 */
export function batchingOf(
  entry: KnownEntry,
  engineMaxBatch: number,
): { max: number; preferred: number[]; instances: number } {
  const sweep = entry.sweep;
  const within = (sweep?.points ?? []).filter((p) => p.itemsPerSec !== undefined && p.withinSlo !== false);
  const sweptMax = within.length ? Math.max(...within.map((p) => p.batchSize)) : entry.batchSize;
  const max = Math.max(1, Math.min(engineMaxBatch, sweptMax));
  const chosen = sweep?.chosen?.batchSize ?? entry.batchSize;
  return { max, preferred: [Math.min(chosen, max)], instances: sweep?.chosen?.concurrency ?? 1 };
}

/** config.pbtxt's content for one model × precision. Dimension 0 is the batch when it is dynamic. */
export function tritonModelConfig(
  plan: TritonModelPlan,
  signature: { inputs: TensorSignature[]; outputs: TensorSignature[] },
): PlainMessage {
  const engine = plan.engineBatch;
  const batched = signature.inputs.every((i) => i.dims[0] === -1) && (!engine || engine.min <= 1);
  // A fixed-batch engine's dimension 0 is that batch; a range not from 1 stays dynamic (-1).
  const batch = batched ? 'batched' : engine && engine.min === engine.max ? engine.min : -1;
  const files = Object.entries(plan.files);
  const config: PlainMessage = {
    name: plan.name,
    platform: plan.platform,
    max_batch_size: batched ? plan.maxBatchSize : 0,
    input: signature.inputs.map((t) => tensor(t, batch, 'input')),
    output: signature.outputs.map((t) => tensor(t, batch, 'output')),
    instance_group: [{ kind: plan.instanceKind, count: plan.instances }],
  };
  // A TensorRT engine runs only on the compute capability it was built for: always a per-capability
  // map (Triton keys it "major.minor"), so a GPU without an engine fails to load the model rather
  // than loading one built for another architecture through default_model_filename.
  if (plan.platform === 'tensorrt_plan') config.cc_model_filenames = Object.fromEntries(files);
  else config.default_model_filename = files[0]![1];
  if (batched) config.dynamic_batching = { preferred_batch_size: plan.preferredBatchSizes };
  return config;
}
