import type { Precision } from '../config/schema.js';
import type { IncidentKind } from '../results/schema.js';

/** The playbook of next steps for every incident kind. Plain data: no I/O, no clock. */

/** Next steps for each incident kind; the `Record` type makes a missing kind a compile error. */
export const PLAYBOOKS: Readonly<Record<IncidentKind, readonly string[]>> = {
  'engine-build-failure': [
    'Read the first ERROR line of the builder log; later errors usually cascade from it.',
    'Check the ONNX opset is supported by this TensorRT version; re-export with a supported opset and sanitise the graph (polygraphy surgeon sanitize --fold-constants).',
    'If the error mentions dynamic shapes, check every input profile (min ≤ opt ≤ max) in the config.',
    'Build on the GPU architecture you deploy to: an engine is tied to the compute capability it was built on.',
    'If tactics were skipped for lack of memory, give the builder more workspace (--memPoolSize=workspace:…).',
  ],
  'unsupported-operator': [
    "Find the operator named in the log and check TensorRT's ONNX operator support matrix for this version.",
    'Re-export with another opset, or rewrite the operation into supported primitives; constant-fold the graph (polygraphy surgeon sanitize --fold-constants).',
    'Otherwise implement a TensorRT plugin for it and load it at build and run time.',
    "As a stopgap, run the model through ONNX Runtime's TensorRT execution provider, which falls back to CUDA or CPU for unsupported nodes.",
  ],
  'out-of-memory': [
    'Reduce the batch size (or the max shape of the dynamic-shape profile, which sets the memory reserved).',
    'Run nvidia-smi to see which processes hold GPU memory; other jobs sharing the runner are a common cause.',
    'Cap the builder workspace (--memPoolSize=workspace:…): an oversized workspace exhausts memory.',
    'Use FP16 or INT8 to cut weight and activation memory.',
    'Check for memory growth across runs: a leak in pre/post-processing or models left loaded.',
    'Long term: partition the model or spread it over several GPUs.',
  ],
  'shape-profile-error': [
    'Check each input profile satisfies min ≤ opt ≤ max in every dimension and that the benchmark shape lies inside it.',
    'Give every dynamic input (dimensions of -1 in the ONNX model) a profile, with the exact ONNX input name.',
    'Keep benchmark.batchSizes within the profile range of dimension 0.',
    "Inspect the model's inputs (polygraphy inspect model) to confirm names, ranks and static dimensions.",
  ],
  'engine-mismatch': [
    'Engines are tied to the TensorRT version and GPU architecture: rebuild on this runner instead of reusing a cached engine.',
    'Make sure the engine cache key covers TensorRT version, driver and compute capability, then clear the stale cache.',
    'Pin the CI runner to the GPU type and TensorRT version you deploy with.',
  ],
  'unknown-option': [
    'Check the option against the help of the installed tool version (trtexec --help): flags change between TensorRT versions (e.g. --workspace became --memPoolSize).',
    'Remove the option from the runner config, or make it depend on the tool version.',
  ],
  timeout: [
    'Engine builds autotune tactics and can take minutes: raise the timeout, or reuse tactic timings with a timing cache.',
    'Measure less per run: fewer iterations or batch sizes, a shorter minDurationMs.',
    'Check whether the GPU is shared with other jobs: contention slows everything down.',
    'If it hangs rather than progressing slowly, rerun with verbose logging to find the stage where it stops.',
  ],
  crash: [
    'Look for the signal or abort in the log excerpt; rerun with verbose logging (trtexec --verbose) to find the last layer or tactic before the crash.',
    "Check the driver, CUDA and TensorRT versions against TensorRT's support matrix.",
    'Rebuild the engine: a corrupt or foreign engine file can crash deserialisation.',
    'Reproduce outside CI with the same engine and inputs to get a core dump.',
  ],
  'latency-spike': [
    'Check GPU utilisation (nvidia-smi): another process on the GPU (CUDA context switching) inflates the tail.',
    'Check GPU temperature and clocks: above about 85 °C the GPU throttles and clocks drop.',
    'Keep input shapes fixed while benchmarking: a changed dynamic shape can switch profiles or trigger recompilation.',
    'Avoid allocation inside the inference loop: pre-allocate I/O buffers and use a memory pool to avoid fragmentation.',
    'Rebuild the engine if it was built with another TensorRT version.',
    'Rerun with more warm-up iterations and trials to confirm the spike reproduces.',
  ],
  'accuracy-degradation': [
    'Compare outputs with the fp32 ONNX reference on the same inputs, layer by layer (polygraphy run --trt --onnxrt --mark all), to find the first diverging layer.',
    'Check the inputs are representative: random data can exaggerate or hide quantisation error.',
    'Use mixed precision: keep the sensitive layers in FP32 and the rest in FP16/INT8.',
    'Meanwhile ship the FP16 (or FP32) engine instead of the failing one.',
  ],
  'unreliable-measurement': [
    'Do not read this entry as a regression or an improvement: rerun it on an idle, dedicated runner.',
    'Lock GPU clocks (nvidia-smi -lgc) and check for thermal throttling during the run.',
    'Increase warm-up, trials or minDurationMs so that run-to-run noise can be estimated.',
    'Use a self-hosted GPU runner rather than a shared one for gating.',
  ],
  'thermal-throttling': [
    'Check throttle reasons and temperature (nvidia-smi -q -d PERFORMANCE,TEMPERATURE).',
    'Improve cooling or airflow: sustained temperatures above about 85 °C lower clocks.',
    'Lock clocks to a sustainable level so that runs are comparable, and add a cool-down between benchmarks.',
    'Rerun: throttled measurements are not gated as regressions.',
  ],
  'runtime-error': [
    "Check the input names, dtypes and shapes match the model's inputs.",
    'For CUDA errors (illegal memory access), rerun with CUDA_LAUNCH_BLOCKING=1 to locate the failing kernel.',
    'Check the driver and runtime versions match those the engine was built with.',
    "Verify the engine or model file is intact (compare the build's sha256).",
  ],
  'timing-cache-miss': [
    'A latency change on this build may be tactic drift rather than code: compare the engines layer by layer (trt-gate diff-engines, or profile: true on the trtexec runner).',
    'Restore the timing cache before every build (one per TensorRT version and GPU) so that tactics are not timed anew.',
  ],
};

/** Steps first tried for an accuracy failure at a given precision, before the generic ones. */
const ACCURACY_BY_PRECISION: Readonly<Partial<Record<Precision, readonly string[]>>> = {
  int8: [
    'Recalibrate INT8: the calibration data must represent production inputs (500–1000 samples); a calibration cache made from other data or an older model is wrong.',
    'Prefer per-channel weight scales (QDQ with per-channel quantisation) over per-tensor ones, and try another calibrator (entropy vs min-max/percentile).',
    'Keep the sensitive layers (first and last, softmax, normalisation) in FP16/FP32 with layer precision constraints.',
  ],
  fp16: [
    'Look for FP16 overflow: activations beyond ±65504 become Inf/NaN (see the non-finite counts); normalisation, softmax, exp and large reductions are the usual suspects.',
    'Keep those layers in FP32 with layer precision constraints (trtexec --precisionConstraints=obey --layerPrecisions=<layer>:fp32).',
  ],
  bf16: [
    'BF16 keeps FP32 range but has an 8-bit mantissa: look for precision loss in long reductions and normalisation layers.',
    'Keep those layers in FP32 with layer precision constraints (--precisionConstraints=obey --layerPrecisions=<layer>:fp32).',
  ],
  fp32: [
    'An FP32 engine should match the reference closely: check TF32 is disabled (--noTF32) and that the engine was built from the same model file.',
  ],
};

/**
 * Next steps on a CPU runner (the onnxruntime runner on the CPU), where GPU advice (clocks, CUDA
 * contexts, engine rebuilds) does not apply. Kinds not listed use PLAYBOOKS.
 */
const CPU_PLAYBOOKS: Readonly<Partial<Record<IncidentKind, readonly string[]>>> = {
  'latency-spike': [
    "Check what else runs on the machine (top, or the CI provider's runner metrics): neighbours on a shared runner stall the tail.",
    'Pin the benchmark to dedicated cores (runner.cpuAffinity) and keep intraOpThreads/interOpThreads at 1 so threads do not migrate.',
    'Keep input shapes fixed while benchmarking, and allocate input buffers once, outside the timed loop.',
    'Rerun with more warm-up iterations and trials to confirm the spike reproduces.',
  ],
  'unreliable-measurement': [
    'Rerun on an idle, dedicated runner: shared CI machines give noisy CPU timings.',
    'Pin the process to fixed cores (runner.cpuAffinity) and, where you control the machine, set the performance CPU governor.',
    'Increase warm-up, trials or minDurationMs so that run-to-run noise can be estimated.',
    'Gate on a dedicated self-hosted runner rather than a shared one.',
  ],
};

/** The first unreliable-measurement step, by whether the gate still reached a verdict. */
const UNRELIABLE_UNJUDGED =
  'Do not read this entry as a regression or an improvement: rerun it on an idle, dedicated runner.';
const UNRELIABLE_JUDGED =
  'The gate judged this entry in spite of the noise: the change is beyond the threshold it widened for it. Rerun on a quieter runner to measure the size of the change more precisely.';

export interface PlaybookContext {
  /** `unknown` for an imported run that did not show it. */
  precision?: Precision | 'unknown';
  /** The kind of device the run measured: CPU runs get no GPU advice. */
  deviceKind?: 'cpu' | 'gpu';
  /** The entry's verdict, so advice never contradicts it. */
  verdict?: string | null;
}

/**
 * The playbook for an incident kind, fitted to the device (CPU runs get CPU advice) and the verdict
 * (an entry the gate judged regressed is not told to be ignored); accuracy steps start with the
 * precision-specific ones.
 */
export function nextStepsFor(kind: IncidentKind, context: PlaybookContext = {}): string[] {
  const base = (context.deviceKind === 'cpu' && CPU_PLAYBOOKS[kind]) || PLAYBOOKS[kind];
  let generic = [...base];
  if (kind === 'unreliable-measurement') {
    const judged = context.verdict === 'regressed' || context.verdict === 'improved';
    generic = generic.filter((step) => step !== UNRELIABLE_UNJUDGED);
    generic.unshift(judged ? UNRELIABLE_JUDGED : UNRELIABLE_UNJUDGED);
  }
  if (kind === 'accuracy-degradation' && context.precision && context.precision !== 'unknown') {
    return [...(ACCURACY_BY_PRECISION[context.precision] ?? []), ...generic];
  }
  return generic;
}
