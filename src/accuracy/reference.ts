import * as ort from 'onnxruntime-node';
import type { TensorSet } from '../inputs/tensor.js';
import { fromOrtOutputs, toOrtFeeds } from '../runners/onnxruntime/tensors.js';

export const REFERENCE_NAME = 'onnxruntime-fp32 (CPU)';

/**
 * The accuracy reference: the model's fp32 ONNX file in ONNX Runtime on the CPU, with graph
 * optimisations off, so the reference never shares an optimisation bug with the candidate.
 */
export async function referenceOutputs(onnxPath: string, feeds: TensorSet[]): Promise<TensorSet[]> {
  const session = await ort.InferenceSession.create(onnxPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'disabled',
    logSeverityLevel: 3,
  });
  try {
    const outputs: TensorSet[] = [];
    for (const f of feeds) outputs.push(fromOrtOutputs(await session.run(toOrtFeeds(f))));
    return outputs;
  } finally {
    await session.release();
  }
}
