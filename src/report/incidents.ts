import type { Precision } from '../config/schema.js';
import type { Entry, EntryComparison, Incident, IncidentKind, MetricComparison } from '../results/schema.js';

/**
 * Incidents derived from results, beyond those runners attach (build failures, OOM, crashes…), and
 * the playbook of next steps for every incident kind. Pure functions: no I/O, no clock.
 */

/**
 * Smallest p99 increase vs the baseline (percent) that can be a latency spike. Below the default
 * `latency.p99` minimum effect (10 %) and with some margin for p99's own noise, it is not worth a
 * separate incident: the comparison already reports it.
 */
export const SPIKE_MIN_P99_DELTA_PCT = 20;

/**
 * How much more the p99 must grow than the p50, as a ratio of growth factors minus one (percent):
 * (1 + Δp99) / (1 + Δp50) − 1. A uniform slowdown (slower kernels) moves both; a tail that grows
 * 25 % faster than the median means intermittent stalls: GPU contention, throttling, allocation
 * in the loop, dynamic-shape profile switches.
 */
export const SPIKE_TAIL_EXCESS_PCT = 25;

/**
 * Within one run, p99 / p50 at or above this is a spike. Inference of a fixed-shape engine on a
 * quiet device has a tight distribution (p99 typically within 1.5× of the median); 3× means some
 * iterations stalled.
 */
export const SPIKE_TAIL_RATIO = 3;

/**
 * Coefficient of variation at or above which a run's latency is called spiky. A quiet device
 * gives a CV of a few percent; 0.25 is far outside that.
 */
export const SPIKE_CV = 0.25;

/**
 * Coefficient of variation at or above which the run is too noisy to gate at all: with a spread
 * of half the mean, the 5–10 % effects the default thresholds look for drown in noise.
 */
export const UNRELIABLE_CV = 0.5;

/**
 * Spread of the per-trial medians ((max − min) / pooled median, percent) at or above which trials
 * disagree with each other by twice the default `latency.p50` minimum effect (5 %): something
 * changed between trials (clocks, other load), so a difference from the baseline means little.
 */
export const UNRELIABLE_TRIAL_SPREAD_PCT = 10;

/** Fewer samples than this and p99 is simply the maximum: no tail statistics. */
export const MIN_SAMPLES_FOR_TAIL = 20;

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

export interface PlaybookContext {
  precision?: Precision;
}

/** The playbook for an incident kind; accuracy steps start with the precision-specific ones. */
export function nextStepsFor(kind: IncidentKind, context: PlaybookContext = {}): string[] {
  const generic = [...PLAYBOOKS[kind]];
  if (kind === 'accuracy-degradation' && context.precision) {
    return [...(ACCURACY_BY_PRECISION[context.precision] ?? []), ...generic];
  }
  return generic;
}

function metric(comparison: EntryComparison | undefined, name: string): MetricComparison | undefined {
  return comparison?.metrics.find((m) => m.metric === name);
}

function fmt(value: number, digits = 3): string {
  return Number(value.toPrecision(digits)).toString();
}

function signedPct(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)} %`;
}

/**
 * A latency spike: the p99 grew far more than the p50 against the baseline, or, within the run,
 * the tail is far from the median or the spread is high (but not so high the run is unreliable).
 */
export function detectLatencySpike(entry: Entry, comparison?: EntryComparison): Incident | undefined {
  const p50 = metric(comparison, 'latency.p50');
  const p99 = metric(comparison, 'latency.p99');
  if (p50?.deltaPct != null && p99?.deltaPct != null && p99.deltaPct >= SPIKE_MIN_P99_DELTA_PCT) {
    const excess = ((1 + p99.deltaPct / 100) / (1 + p50.deltaPct / 100) - 1) * 100;
    if (excess >= SPIKE_TAIL_EXCESS_PCT) {
      return {
        kind: 'latency-spike',
        stage: 'compare',
        title: 'p99 grew much more than p50 vs the baseline',
        message: `p99 changed ${signedPct(p99.deltaPct)} vs the baseline while p50 changed ${signedPct(p50.deltaPct)}: some iterations stall, the engine is not uniformly slower.`,
        nextSteps: nextStepsFor('latency-spike'),
      };
    }
  }
  const pooled = entry.latency?.pooled;
  if (!pooled || pooled.count < MIN_SAMPLES_FOR_TAIL || pooled.median <= 0) return undefined;
  const ratio = pooled.p99 / pooled.median;
  const reasons: string[] = [];
  if (ratio >= SPIKE_TAIL_RATIO) {
    reasons.push(`p99 is ${fmt(ratio)}× the median (${fmt(pooled.p99)} ms vs ${fmt(pooled.median)} ms)`);
  }
  if (pooled.cv >= SPIKE_CV && pooled.cv < UNRELIABLE_CV) {
    reasons.push(`the coefficient of variation is ${fmt(pooled.cv, 2)}`);
  }
  if (reasons.length === 0) return undefined;
  return {
    kind: 'latency-spike',
    stage: 'benchmark',
    title: 'Stalls within the run',
    message: `Over ${pooled.count} samples ${reasons.join(' and ')}.`,
    nextSteps: nextStepsFor('latency-spike'),
  };
}

function limitText(limit: { min?: number; max?: number }): string {
  const parts: string[] = [];
  if (limit.min !== undefined) parts.push(`min ${limit.min}`);
  if (limit.max !== undefined) parts.push(`max ${limit.max}`);
  return parts.join(', ');
}

/** Accuracy outside its limits (or non-finite outputs), or an accuracy metric that regressed vs the baseline. */
export function detectAccuracyDegradation(entry: Entry, comparison?: EntryComparison): Incident | undefined {
  const acc = entry.accuracy;
  const details: string[] = [];
  if (acc) {
    for (const v of acc.violations) {
      const value = v.value === null ? 'n/a' : fmt(v.value, 5);
      details.push(`${v.metric} = ${value} on output '${v.output}' (limit ${limitText(v.limit)})`);
    }
    for (const out of acc.outputs) {
      if (out.nonFinite > 0) details.push(`output '${out.name}' has ${out.nonFinite} NaN/Inf values`);
    }
  }
  const failedLimits = acc !== undefined && (!acc.passed || details.length > 0);
  const regressed = (comparison?.metrics ?? []).filter(
    (m) => m.metric.startsWith('accuracy.') && m.verdict === 'regressed',
  );
  if (!failedLimits && regressed.length === 0) return undefined;
  for (const m of regressed) {
    details.push(
      `${m.metric} regressed vs the baseline${m.deltaPct == null ? '' : ` (${signedPct(m.deltaPct)})`}`,
    );
  }
  const metrics = [
    ...new Set([...(acc?.violations ?? []).map((v) => v.metric), ...regressed.map((m) => m.metric)]),
  ];
  const title = failedLimits
    ? `${entry.precision} outside its accuracy limits${metrics.length ? ` (${metrics.join(', ')})` : ''}`
    : `${entry.precision} accuracy worse than the baseline`;
  return {
    kind: 'accuracy-degradation',
    stage: failedLimits ? 'accuracy' : 'compare',
    title,
    message: details.length
      ? `${entry.precision} vs the ${acc?.reference ?? 'reference'}: ${details.join('; ')}.`
      : `The ${entry.precision} accuracy check failed.`,
    nextSteps: nextStepsFor('accuracy-degradation', { precision: entry.precision }),
  };
}

/** The runner flagged the measurement, or the run is too noisy (overall or between trials) to gate. */
export function detectUnreliableMeasurement(entry: Entry): Incident | undefined {
  const reasons: string[] = [];
  if (entry.unreliable) reasons.push(entry.unreliable);
  const latency = entry.latency;
  if (latency) {
    if (latency.pooled.count >= 2 && latency.pooled.cv >= UNRELIABLE_CV) {
      reasons.push(`latency coefficient of variation ${fmt(latency.pooled.cv, 2)} (≥ ${UNRELIABLE_CV})`);
    }
    const medians = latency.trials.map((t) => t.stats.median);
    if (medians.length >= 2 && latency.pooled.median > 0) {
      const spread = ((Math.max(...medians) - Math.min(...medians)) / latency.pooled.median) * 100;
      if (spread >= UNRELIABLE_TRIAL_SPREAD_PCT) {
        reasons.push(`trial medians differ by ${spread.toFixed(1)} % (≥ ${UNRELIABLE_TRIAL_SPREAD_PCT} %)`);
      }
    }
  }
  if (reasons.length === 0) return undefined;
  return {
    kind: 'unreliable-measurement',
    stage: 'benchmark',
    title: 'Latency too noisy to gate',
    message: `The latency of this entry cannot be trusted: ${reasons.join('; ')}.`,
    nextSteps: nextStepsFor('unreliable-measurement'),
  };
}

/** Incidents the results imply but no runner attached; a kind the entry already has is not repeated. */
export function deriveIncidents(entry: Entry, comparison?: EntryComparison): Incident[] {
  const attached = new Set(entry.incidents.map((i) => i.kind));
  const derived = [
    detectUnreliableMeasurement(entry),
    detectLatencySpike(entry, comparison),
    detectAccuracyDegradation(entry, comparison),
  ];
  return derived.filter((i): i is Incident => i !== undefined && !attached.has(i.kind));
}

export interface EntryIncident extends Incident {
  /** True when trt-gate derived it from the results rather than a runner reporting it. */
  derived: boolean;
}

/** The entry's attached incidents (next steps filled in from the playbook when empty), then derived ones. */
export function incidentsFor(entry: Entry, comparison?: EntryComparison): EntryIncident[] {
  const attached = entry.incidents.map((i) => ({
    ...i,
    nextSteps: i.nextSteps.length ? i.nextSteps : nextStepsFor(i.kind, { precision: entry.precision }),
    derived: false,
  }));
  return [...attached, ...deriveIncidents(entry, comparison).map((i) => ({ ...i, derived: true }))];
}
