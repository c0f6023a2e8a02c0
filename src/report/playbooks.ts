import type { Precision } from '../config/schema.js';
import type { Incident, IncidentKind } from '../results/schema.js';

/**
 * The one table of next steps for every incident kind. Plain data: no I/O, no clock.
 *
 * Producers (runners, the accuracy stage, the importer) attach only the steps of one occurrence:
 * what names its layer, flag, file or finding. Every writer shows those first and then the steps
 * of this table for the kind, fitted to the device, the precision, the verdict and the method that
 * judged the entry ({@link incidentSteps}). Generic advice therefore lives here once; a producer
 * that repeated it would show it twice (test/report/playbooks.test.ts checks the runners' real
 * incidents for that).
 */

/** Next steps for each incident kind; the `Record` type makes a missing kind a compile error. */
export const PLAYBOOKS: Readonly<Record<IncidentKind, readonly string[]>> = {
  'engine-build-failure': [
    'Read the first error ([E]) line of the excerpt; later errors usually cascade from it. Re-run with --verbose for the node that failed.',
    'Check the ONNX opset is supported by this TensorRT version; re-export with a supported opset and sanitise the graph (polygraphy inspect model; polygraphy surgeon sanitize --fold-constants).',
    'If the error mentions dynamic shapes, check every input profile (min ≤ opt ≤ max) in the config.',
    'Build on the GPU architecture you deploy to: an engine is tied to the compute capability it was built on.',
    'If tactics were skipped for lack of memory, give the builder more workspace (--memPoolSize=workspace:…).',
    'Try another precision, or a newer TensorRT release.',
  ],
  'unsupported-operator': [
    "Find the operator named in the log and check TensorRT's ONNX operator support matrix for this version; run with --verbose to see which node the parser stopped at.",
    'Re-export with another opset, or rewrite the operation into supported primitives; constant-fold the graph (polygraphy surgeon sanitize --fold-constants, or onnx-simplifier).',
    'If it is a custom plugin, load its library at build and run time (--staticPlugins, or --dynamicPlugins with --setPluginsToSerialize); otherwise implement a TensorRT plugin for it.',
    "As a stopgap, run the model through ONNX Runtime's TensorRT execution provider, which falls back to CUDA or CPU for unsupported nodes.",
  ],
  'out-of-memory': [
    'Reduce the batch size (or the max shape of the dynamic-shape profile, which sets the memory reserved).',
    'Run nvidia-smi to see which processes hold GPU memory; other jobs sharing the runner are a common cause.',
    'Cap the builder workspace (--memPoolSize=workspace:<MiB>): an oversized workspace exhausts memory.',
    'Try a lower --builderOptimizationLevel, which tries fewer memory-hungry tactics.',
    'Use FP16 or INT8 to cut weight and activation memory.',
    'Check for memory growth across runs: a leak in pre/post-processing or models left loaded.',
    'Long term: partition the model or spread it over several GPUs.',
  ],
  'shape-profile-error': [
    'Check each input profile satisfies min ≤ opt ≤ max in every dimension and that the benchmark shape lies inside it.',
    'Give every dynamic input (dimensions of -1 in the ONNX model) a profile, with the exact ONNX input name (a misspelt name is "Cannot find binding of given name").',
    'Keep benchmark.batchSizes within the profile range of dimension 0.',
    "Inspect the model's inputs (polygraphy inspect model) to confirm names, ranks and static dimensions.",
  ],
  'engine-mismatch': [
    'Engines are tied to the TensorRT version and GPU architecture: rebuild on this runner instead of reusing a cached engine.',
    'Make sure the engine cache key covers TensorRT version, driver and compute capability, then clear the stale cache.',
    'Pin the CI runner to the GPU type and TensorRT version you deploy with.',
    'To share engines across GPUs, build with --hardwareCompatibilityLevel=ampere+ (Ampere and newer only).',
  ],
  'unknown-option': [
    'Check the option against the help of the installed tool version (trtexec --help) and compare with runner.extraBuildFlags / runner.extraRunFlags: flags change between TensorRT versions.',
    'TensorRT 10 removed --workspace (use --memPoolSize=workspace:N), --minTiming, --batch/--maxBatch, --buildOnly and --explicitBatch; 11 removed the precision flags (--fp16, --int8, --best, --precisionConstraints …) and --calib.',
    'Remove the option from the runner config, make it depend on the tool version, or pin the TensorRT version the config was written for.',
  ],
  timeout: [
    'Engine builds autotune tactics and can take minutes: raise the runner timeout, lower --builderOptimizationLevel, or reuse tactic timings with a timing cache (--timingCacheFile).',
    'Measure less per run: fewer iterations or batch sizes, a shorter minDurationMs (trtexec --duration / --iterations).',
    'Check whether the GPU is shared with other jobs: contention slows everything down.',
    'If it hangs rather than progressing slowly, rerun with verbose logging to find the stage where it stops.',
  ],
  crash: [
    'Look for the signal or abort in the log excerpt; rerun with verbose logging (trtexec --verbose) to find the last layer or tactic before the crash.',
    'SIGKILL often means the host ran out of memory: check dmesg for the OOM killer.',
    "Check the driver, CUDA and TensorRT versions against TensorRT's support matrix.",
    'Rebuild the engine: a corrupt or foreign engine file can crash deserialisation.',
    'Try without custom plugins; reproduce outside CI with the same engine and inputs to get a core dump, and report it to NVIDIA/TensorRT.',
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
    'Use mixed precision: keep the sensitive layers (normalisation, softmax, large reductions, first and last layers) in FP32 and the rest in FP16/INT8.',
  ],
  'unreliable-measurement': [
    'Do not read this entry as a regression or an improvement: rerun it on an idle, dedicated runner.',
    'Lock GPU clocks (nvidia-smi -lgc) and check for thermal throttling during the run.',
    'Increase warm-up, trials or minDurationMs so that run-to-run noise can be estimated.',
    'Use a self-hosted GPU runner rather than a shared one for gating.',
  ],
  'thermal-throttling': [
    'Check throttle reasons and temperature (nvidia-smi -q -d PERFORMANCE,TEMPERATURE).',
    'Improve cooling or airflow (fans, dust) and keep other jobs from heating the GPU: sustained temperatures above about 85 °C lower clocks.',
    'Lock clocks below the boost range (sudo nvidia-smi -lgc <MHz>,<MHz>) so that runs are comparable, and add a cool-down between models (runner.health.cooldownSec).',
    'Rerun: throttled measurements are not gated as regressions.',
  ],
  'runtime-error': [
    'Read the error lines of the excerpt; re-run with verbose logging (trtexec --verbose) for details.',
    "Check the input names, dtypes and shapes (and any --loadInputs files) match the model's inputs.",
    'For CUDA errors (illegal memory access), rerun with CUDA_LAUNCH_BLOCKING=1 to locate the failing kernel.',
    'Check the driver and runtime versions match those the engine was built with.',
    "Verify the engine or model file is intact (compare the build's sha256).",
    'Re-run with the same config to see whether it reproduces.',
  ],
  'timing-cache-miss': [
    'A latency change on this build may be tactic drift rather than code: compare the engines layer by layer (trt-gate diff-engines, or profile: true on the trtexec runner).',
    'Keep one timing cache per TensorRT version and GPU and restore it before every build (for example with actions/cache), so that tactics are not timed anew.',
  ],
};

/** Steps first tried for an accuracy failure at a given precision, before the generic ones. */
const ACCURACY_BY_PRECISION: Readonly<Record<Precision, readonly string[]>> = {
  int8: [
    'Re-calibrate INT8 with representative data (500–1,000 items of the validation set); regenerate the calibration cache when the model or the data changed: a cache made from other data or an older model is wrong.',
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

/** The last accuracy step: what to ship meanwhile (nothing to fall back to from FP32). */
const ACCURACY_ROLLBACK: Readonly<Record<Precision | 'unknown', string | undefined>> = {
  int8: 'Roll back: ship the FP16 engine for this model until the INT8 one passes.',
  fp16: 'Roll back: ship the FP32 engine for this model until this one passes.',
  bf16: 'Roll back: ship the FP32 engine for this model until this one passes.',
  fp32: undefined,
  unknown: 'Meanwhile ship the FP16 (or FP32) engine instead of the failing one.',
};

/**
 * Next steps on a CPU runner (the onnxruntime runner on the CPU), where GPU advice (clocks, CUDA
 * contexts, engine rebuilds, trtexec flags) does not apply. Kinds not listed use PLAYBOOKS.
 */
const CPU_PLAYBOOKS: Readonly<Partial<Record<IncidentKind, readonly string[]>>> = {
  'engine-build-failure': [
    'Check that the file is a valid ONNX model (e.g. `python -m onnx.checker`).',
    'Check the opset: ONNX Runtime supports opsets up to its release.',
  ],
  'out-of-memory': [
    'Lower the batch size or the input shapes.',
    'Check what else runs on this machine and how much memory it holds (free -m, top).',
    'Check for memory growth across runs: a leak in pre/post-processing or models left loaded.',
  ],
  'runtime-error': [
    "Check that the configured inputs (names, shapes, dtypes) match the model's inputs.",
    'Run the model once by hand in ONNX Runtime with the same inputs to reproduce.',
    'Re-run with the same config to see whether it reproduces.',
  ],
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

/**
 * A noisy entry judged by same-job A/B: its pairs and its A/A control (the base measured against
 * itself), not the history's thresholds, set what it can call, so the advice is about those.
 */
const AB_UNRELIABLE: Readonly<Record<'cpu' | 'gpu', readonly string[]>> = {
  cpu: [
    'Give the comparison more pairs (raise ab.maxPairs or ab.maxSeconds) so that the paired interval can narrow below the change.',
    'Rerun on a quieter runner, cores pinned (runner.cpuAffinity): the A/A control noise of this job, not a history threshold, is the smallest change it can call.',
    'Keep the A/A control on (ab.control: true): without it the job cannot tell its own noise from a change.',
  ],
  gpu: [
    'Give the comparison more pairs (raise ab.maxPairs or ab.maxSeconds) so that the paired interval can narrow below the change.',
    'Rerun on a quieter runner, GPU clocks locked (nvidia-smi -lgc) and no other job on the GPU: the A/A control noise of this job, not a history threshold, is the smallest change it can call.',
    'Keep the A/A control on (ab.control: true): without it the job cannot tell its own noise from a change.',
  ],
};

/** The first unreliable-measurement step, by the method that judged the entry and whether it reached a verdict. */
const UNRELIABLE_FIRST: Readonly<Record<'ab' | 'history', Record<'judged' | 'unjudged', string>>> = {
  history: {
    unjudged:
      'Do not read this entry as a regression or an improvement: rerun it on an idle, dedicated runner.',
    judged:
      'The gate judged this entry in spite of the noise: the change is beyond the threshold it widened for it. Rerun on a quieter runner to measure the size of the change more precisely.',
  },
  ab: {
    unjudged:
      "Do not read this entry as a regression or an improvement: its A/B pairs did not separate the change from this job's own noise, which the A/A control (base against base) measures.",
    judged:
      "The A/B comparison judged this entry in spite of the noise: the change is beyond this job's A/A control noise. Rerun on a quieter runner to measure its size more precisely.",
  },
};

export interface PlaybookContext {
  /** `unknown` for an imported run that did not show it. */
  precision?: Precision | 'unknown';
  /** The kind of device the run measured: CPU runs get no GPU advice. */
  deviceKind?: 'cpu' | 'gpu';
  /** The entry's verdict, so advice never contradicts it. */
  verdict?: string | null;
  /** What judged the entry: same-job A/B (its pairs and A/A control) or the stored history. */
  method?: 'ab' | 'history';
}

/**
 * The playbook for an incident kind, fitted to the device (CPU runs get CPU advice), the method and
 * the verdict (an entry the gate judged regressed is not told to be ignored); accuracy steps start
 * with the precision-specific ones and end with what to ship meanwhile.
 */
export function nextStepsFor(kind: IncidentKind, context: PlaybookContext = {}): string[] {
  const device = context.deviceKind ?? 'gpu';
  if (kind === 'unreliable-measurement') {
    const method = context.method ?? 'history';
    const judged = context.verdict === 'regressed' || context.verdict === 'improved';
    const rest =
      method === 'ab' ? AB_UNRELIABLE[device] : (device === 'cpu' && CPU_PLAYBOOKS[kind]) || PLAYBOOKS[kind];
    const first = UNRELIABLE_FIRST[method];
    return [judged ? first.judged : first.unjudged, ...rest.filter((s) => s !== first.unjudged)];
  }
  const base = [...((device === 'cpu' && CPU_PLAYBOOKS[kind]) || PLAYBOOKS[kind])];
  if (kind !== 'accuracy-degradation') return base;
  const precision = context.precision ?? 'unknown';
  const rollback = ACCURACY_ROLLBACK[precision];
  return [
    ...(precision === 'unknown' ? [] : ACCURACY_BY_PRECISION[precision]),
    ...base,
    ...(rollback ? [rollback] : []),
  ];
}

/**
 * What every writer shows for an incident: the steps its producer attached for this occurrence
 * (its layer, flag, file or finding), then the playbook's, each once.
 */
export function incidentSteps(incident: Incident, context: PlaybookContext = {}): string[] {
  return [...new Set([...incident.nextSteps, ...nextStepsFor(incident.kind, context)])];
}
