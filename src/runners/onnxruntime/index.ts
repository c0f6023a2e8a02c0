import type { RunnerFactory } from '../types.js';
import { OnnxRuntimeOptions } from './options.js';
import { loadOnnxRuntime } from './ort.js';

export const onnxRuntimeFactory: RunnerFactory<OnnxRuntimeOptions> = {
  type: 'onnxruntime',
  description: 'ONNX Runtime in-process (CPU by default; CUDA/TensorRT execution providers when installed)',
  optionsSchema: OnnxRuntimeOptions,
  // The runner and onnxruntime-node load only when a run needs them (see ort.ts).
  create: async (options) => {
    const [{ OnnxRuntimeRunner }, ort] = await Promise.all([import('./runner.js'), loadOnnxRuntime()]);
    return new OnnxRuntimeRunner(ort, options);
  },
  // ONNX Runtime runs a file as it is: a reduced precision needs its own (converted) ONNX file.
  checkConfig: (config) =>
    config.models.flatMap((model, m) =>
      model.precisions
        .filter((p) => p !== 'fp32' && !model.variants[p])
        .map((p) => ({
          path: `models[${m}].variants.${p}`,
          message: `the onnxruntime runner needs an ONNX file for precision ${p} (e.g. a model with ${p} weights); add variants.${p} or drop ${p} from precisions`,
        })),
    ),
};
