import type { TensorSet } from '../inputs/tensor.js';
import { loadOnnxRuntime } from '../runners/onnxruntime/ort.js';
import { fromOrtOutputs, toOrtFeeds } from '../runners/onnxruntime/tensors.js';

/** The accuracy reference (a port): what the candidate's outputs are compared against. */
export interface AccuracyReference {
  /** Shown in reports, e.g. `onnxruntime-fp32 (CPU)`. */
  readonly name: string;
  /** The reference outputs of the model's fp32 ONNX file for each feed set, in order. */
  outputs(onnxPath: string, feeds: TensorSet[]): Promise<TensorSet[]>;
}

export const REFERENCE_NAME = 'onnxruntime-fp32 (CPU)';

/**
 * The default reference: the model's fp32 ONNX file in ONNX Runtime on the CPU, with graph
 * optimisations off, so the reference never shares an optimisation bug with the candidate.
 * onnxruntime-node is loaded on the first call, not when this module is imported.
 */
export const onnxRuntimeCpuReference: AccuracyReference = {
  name: REFERENCE_NAME,
  async outputs(onnxPath, feeds) {
    const ort = await loadOnnxRuntime();
    const session = await ort.InferenceSession.create(onnxPath, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
      logSeverityLevel: 3,
    });
    try {
      const outputs: TensorSet[] = [];
      for (const f of feeds) outputs.push(fromOrtOutputs(await session.run(toOrtFeeds(ort, f))));
      return outputs;
    } finally {
      await session.release();
    }
  },
};

/** The default reference's outputs (tests and tools that need reference tensors). */
export function referenceOutputs(onnxPath: string, feeds: TensorSet[]): Promise<TensorSet[]> {
  return onnxRuntimeCpuReference.outputs(onnxPath, feeds);
}
