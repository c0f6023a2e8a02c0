import { z } from 'zod';

export const OnnxRuntimeOptions = z.strictObject({
  /** `tensorrt`/`cuda` need onnxruntime-node's GPU libraries (not installed by default here). */
  executionProvider: z.enum(['cpu', 'cuda', 'tensorrt']).default('cpu'),
  /** Passed to the execution provider as is (e.g. `deviceId`, `trtFp16Enable`). */
  providerOptions: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  /** 0 lets ONNX Runtime choose. Pin it for stable numbers on shared CI machines. */
  intraOpThreads: z.number().int().nonnegative().default(1),
  interOpThreads: z.number().int().nonnegative().default(1),
  executionMode: z.enum(['sequential', 'parallel']).default('sequential'),
  /**
   * Pin the whole trt-gate process to these CPUs (Linux `taskset` list, e.g. "1" or "2-3"), to
   * keep ONNX Runtime's threads from moving between cores. Measured side by side on a shared
   * 2-vCPU VM it made no difference (README, Benchmarks); on bigger hosts it isolates the run.
   */
  cpuAffinity: z
    .string()
    .regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, 'expected a CPU list such as "1", "0,2" or "2-3"')
    .optional(),
});
export type OnnxRuntimeOptions = z.infer<typeof OnnxRuntimeOptions>;
