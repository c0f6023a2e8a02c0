import { z } from 'zod';
import { ACCURACY_METRIC_NAMES } from '../accuracy/metric-table.js';

/** Precisions trt-gate knows; the runner decides how each is realised (flags or a variant file). */
export const Precision = z.enum(['fp32', 'fp16', 'bf16', 'int8']);
export type Precision = z.infer<typeof Precision>;

export const TensorDType = z.enum(['float32', 'float16', 'int32', 'int64', 'int8', 'uint8', 'bool']);
export type TensorDType = z.infer<typeof TensorDType>;

const positiveDim = z.number().int().positive();

const RandomData = z.strictObject({
  type: z.literal('random'),
  seed: z.number().int().nonnegative().default(0),
  distribution: z.enum(['uniform', 'normal']).default('uniform'),
  min: z.number().default(0),
  max: z.number().default(1),
  mean: z.number().default(0),
  std: z.number().positive().default(1),
});

/** Raw little-endian tensor data, one sample after another (the format trtexec's --loadInputs reads). */
const FileData = z.strictObject({
  type: z.literal('file'),
  path: z.string().min(1),
});

export const InputData = z.discriminatedUnion('type', [RandomData, FileData]);
export type InputData = z.infer<typeof InputData>;

export const InputSpec = z.strictObject({
  name: z.string().min(1),
  shape: z.array(positiveDim).min(1),
  dtype: TensorDType.default('float32'),
  data: InputData.default({
    type: 'random',
    seed: 0,
    distribution: 'uniform',
    min: 0,
    max: 1,
    mean: 0,
    std: 1,
  }),
  /** Dynamic-shape profile for engine builds; `shape` is what benchmarks and accuracy run with. */
  profile: z
    .strictObject({
      min: z.array(positiveDim),
      opt: z.array(positiveDim),
      max: z.array(positiveDim),
    })
    .optional(),
});
export type InputSpec = z.infer<typeof InputSpec>;

/** Limit keys: the accuracy metrics of the one table (src/accuracy/metric-table.ts). */
export const AccuracyMetricName = z.enum(ACCURACY_METRIC_NAMES);
export type AccuracyMetricName = z.infer<typeof AccuracyMetricName>;

export const MetricLimit = z
  .strictObject({ min: z.number().optional(), max: z.number().optional() })
  .refine((l) => l.min === undefined || l.max === undefined || l.min <= l.max, {
    message: 'expected min <= max',
  })
  .refine((l) => l.min !== undefined || l.max !== undefined, {
    message: 'expected at least one of min or max',
  });
export type MetricLimit = z.infer<typeof MetricLimit>;

/** Limits per accuracy metric; `default` applies to every precision, a precision key overrides it. */
export const AccuracyLimits = z.partialRecord(
  z.enum(['default', ...Precision.options]),
  z.partialRecord(AccuracyMetricName, MetricLimit),
);
export type AccuracyLimits = z.infer<typeof AccuracyLimits>;

export const DEFAULT_ACCURACY_LIMITS: AccuracyLimits = {
  default: { cosine: { min: 0.999 }, top1Agreement: { min: 0.99 } },
  int8: { cosine: { min: 0.99 }, top1Agreement: { min: 0.9 } },
};

export const AccuracyConfig = z.strictObject({
  enabled: z.boolean().default(true),
  /** The reference is the model's fp32 ONNX file run in ONNX Runtime on the CPU. */
  reference: z.literal('onnxruntime-fp32').default('onnxruntime-fp32'),
  samples: z.number().int().positive().max(10_000).default(16),
  /** Merged over DEFAULT_ACCURACY_LIMITS key by key: writing `int8:` keeps the built-in `default:`. */
  limits: AccuracyLimits.default({}).transform((user) => ({ ...DEFAULT_ACCURACY_LIMITS, ...user })),
});
export type AccuracyConfig = z.infer<typeof AccuracyConfig>;

export const BenchmarkConfig = z.strictObject({
  warmup: z.number().int().nonnegative().default(20),
  iterations: z.number().int().positive().default(100),
  /** Keep sampling a trial until this much time has passed, even after `iterations`. */
  minDurationMs: z.number().nonnegative().default(0),
  /**
   * Many short trials beat a few long ones: the gate resamples trials, and on shared machines
   * speed shifts in bursts (see bench/gate-detection.ts: 10×60 samples had no A/A false alarms
   * where 3×200 had 7.5 %).
   */
  trials: z.number().int().positive().max(100).default(10),
  /** Empty: run the input shapes as given. Otherwise one result per batch size (dimension 0). */
  batchSizes: z.array(positiveDim).default([]),
});
export type BenchmarkConfig = z.infer<typeof BenchmarkConfig>;

export const Direction = z.enum(['lower', 'higher']);
export type Direction = z.infer<typeof Direction>;

/** How a metric's change is judged. Models are data; the gate's registry maps each to code. */
export const ThresholdSpec = z.discriminatedUnion('model', [
  z.strictObject({
    model: z.literal('statistical'),
    /** Smallest change that matters, in percent of the baseline. */
    minEffectPct: z.number().positive().default(5),
    confidence: z.number().gt(0.5).lt(1).default(0.99),
    resamples: z.number().int().min(200).max(100_000).default(2000),
    /**
     * Run-to-run noise assumed until 3 runs are stored (percent). Raise it on shared CPU runners,
     * whose speed moves tens of percent between processes.
     */
    assumedRunNoisePct: z.number().nonnegative().max(1000).default(5),
    direction: Direction.optional(),
  }),
  z.strictObject({
    model: z.literal('percentage'),
    maxRegressionPct: z.number().nonnegative(),
    direction: Direction.optional(),
  }),
  /** A tolerance learned from the stored runs of each key (accuracy metrics): see gate/models/envelope.ts. */
  z.strictObject({
    model: z.literal('envelope'),
    /** Stored runs needed before the envelope is trusted; until then the fixed accuracy limits decide. */
    minRuns: z.number().int().min(2).max(1000).default(3),
    /** The stored range widened by this many sample standard deviations of the stored values. */
    k: z.number().nonnegative().default(3),
    /** Smallest absolute change from the stored median that can count, even when the spread is zero. */
    minEffect: z.number().nonnegative().default(0),
    /** A floor / ceiling the user sets: beyond it is regressed whatever the history says. */
    min: z.number().optional(),
    max: z.number().optional(),
    direction: Direction.optional(),
  }),
  z.strictObject({
    model: z.literal('static'),
    min: z.number().optional(),
    max: z.number().optional(),
  }),
]);
export type ThresholdSpec = z.infer<typeof ThresholdSpec>;

export const Verdict = z.enum([
  'improved',
  'unchanged',
  'regressed',
  'inconclusive',
  'no-baseline',
  'environment-mismatch',
  'failed',
  /** A regression a maintainer accepted on the pull request (src/gate/accept.ts); never from a config. */
  'accepted',
]);
export type Verdict = z.infer<typeof Verdict>;

export const BaselineConfig = z.strictObject({
  store: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('filesystem'), path: z.string().default('.trt-gate/baselines') }),
      z.strictObject({
        type: z.literal('git-branch'),
        branch: z.string().default('trt-gate-data'),
        remote: z.string().default('origin'),
        path: z.string().default('baselines'),
      }),
      z.strictObject({ type: z.literal('none') }),
    ])
    .default({ type: 'none' }),
  /** Runs kept per key, so run-to-run noise can be estimated. */
  historySize: z.number().int().positive().max(1000).default(30),
  /** `trt-gate run` appends its results to the store only when this is true (or --save-baseline). */
  save: z.boolean().default(false),
});
export type BaselineConfig = z.infer<typeof BaselineConfig>;

export const GateConfig = z.strictObject({
  failOn: z.array(Verdict).default(['regressed', 'failed']),
  /** Extra trials a runner may spend re-measuring an inconclusive latency verdict. */
  maxRerunTrials: z.number().int().nonnegative().default(0),
});
export type GateConfig = z.infer<typeof GateConfig>;

/** A latency budget: the sweep's operating point must keep this latency statistic at or under maxMs. */
export const SloConfig = z.strictObject({
  metric: z.enum(['p50', 'p90', 'p95', 'p99', 'mean']).default('p99'),
  maxMs: z.number().positive(),
});
export type SloConfig = z.infer<typeof SloConfig>;

/**
 * A throughput sweep of one model: every precision over batch sizes × concurrency (parallel
 * requests), each point a short benchmark. It stops early when throughput gains fall below
 * `minGainPct` or the SLO is broken; the best point within the SLO is the operating point.
 */
export const SweepConfig = z.strictObject({
  batchSizes: z.array(positiveDim).min(1),
  /** Requests in flight at once: concurrent runs of one session (onnxruntime), `--infStreams=N` (trtexec). */
  concurrency: z.array(positiveDim).min(1).default([1]),
  slo: SloConfig.optional(),
  minGainPct: z.number().nonnegative().default(5),
  /** Per point; smaller than the gate's benchmark, since a sweep has many points. */
  warmup: z.number().int().nonnegative().default(10),
  iterations: z.number().int().positive().default(30),
  trials: z.number().int().positive().max(100).default(3),
});
export type SweepConfig = z.infer<typeof SweepConfig>;
/**
 * Same-job A/B (`run --against`): the base side and the candidate measured in alternating blocks,
 * with an A/A control (the base as a second arm). See src/ab/.
 */
export const AbConfig = z.strictObject({
  /** Timed iterations per block: one block is one short benchmark of one side. */
  blockIterations: z.number().int().positive().default(50),
  /** Warm-up inferences before every block, the same for every side. */
  blockWarmup: z.number().int().nonnegative().default(5),
  /** Pairs before the first verdict (a 99 % signed-rank interval needs at least 8). */
  minPairs: z.number().int().min(8).default(12),
  /** Pairs after which an entry stops unsettled (`inconclusive`). */
  maxPairs: z.number().int().positive().default(150),
  /** Measurement budget of the whole job, seconds, spent on the entries still unsettled. */
  maxSeconds: z.number().positive().default(600),
  /** Measure the base side twice (A/A control) and use its noise in the verdict. */
  control: z.boolean().default(true),
  /** Seed of the randomized block order. */
  seed: z.number().int().nonnegative().default(0),
  /**
   * `inference`: where the runner can (onnxruntime), the arms alternate inference by inference
   * within each round, so a burst of other work hits every arm alike; `block`: whole blocks per
   * arm back to back (what trtexec always does).
   */
  interleave: z.enum(['inference', 'block']).default('inference'),
  /**
   * `cycle`: where the runner can (onnxruntime), every arm's session is loaded afresh after each
   * balanced cycle of rounds, so a session that landed somewhere slow is one cycle's noise, not a
   * bias of its arm for the whole job (seen on this VM: an unchanged model flagged in 2 of 25
   * comparisons with one session per arm); `never`: one session per arm.
   */
  reload: z.enum(['cycle', 'never']).default('cycle'),
});
export type AbConfig = z.infer<typeof AbConfig>;

/**
 * Labelled validation data: the model's inputs from .npy/.npz files (a file or a directory of
 * them), items along axis 0, with optional integer class labels. Used for accuracy instead of
 * generated inputs; top-1/top-5 accuracy against the labels is reported beside the comparison
 * with the fp32 model's outputs.
 */
export const ValidationConfig = z.strictObject({
  /** An .npz (one array per input, named by the input), an .npy (one-input models), or a directory of them. */
  data: z.string().min(1),
  /** A .npy of integer class indices, one per item; default: the `labelsArray` array of the .npz files. */
  labels: z.string().min(1).optional(),
  labelsArray: z.string().min(1).default('labels'),
  /** More items than this: a seeded subset of this many is used (whole batches), and recorded. */
  maxItems: z.number().int().positive().max(100_000).default(1000),
  seed: z.number().int().nonnegative().default(0),
  /** The output the labels index; default: the first classifier output. */
  output: z.string().min(1).optional(),
});
export type ValidationConfig = z.infer<typeof ValidationConfig>;

/**
 * INT8 calibration for runners that build with a calibration cache (trtexec): the cache is made
 * from these items (default: the validation data), keyed by model, data and TensorRT version.
 */
export const CalibrationConfig = z.strictObject({
  /** .npy/.npz file or directory, like `validation.data`; default: `validation.data`. */
  data: z.string().min(1).optional(),
  /** The guide's 500–1,000 representative samples; larger sets: a seeded subset. */
  maxItems: z.number().int().positive().max(100_000).default(500),
  seed: z.number().int().nonnegative().default(0),
});
export type CalibrationConfig = z.infer<typeof CalibrationConfig>;

export const ModelConfig = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, ".", "_" or "-"'),
  /** The fp32 ONNX model: the accuracy reference, and the default for every precision. */
  onnx: z.string().min(1),
  precisions: z.array(Precision).min(1).default(['fp32']),
  /** A different ONNX file for a precision (e.g. fp16 weights, or a QDQ int8 model). */
  variants: z.partialRecord(Precision, z.string().min(1)).default({}),
  inputs: z.array(InputSpec).min(1),
  /** Output names to compare for accuracy; default all. */
  outputs: z.array(z.string().min(1)).optional(),
  /** Treat outputs as class scores (top-1/top-5). Default: 2-D outputs with >= 5 columns. */
  classifier: z.boolean().optional(),
  accuracy: z.strictObject({ limits: AccuracyLimits.optional() }).optional(),
  /** INT8 calibration cache for engine builds (trtexec). */
  calibrationCache: z.string().optional(),
  sweep: SweepConfig.optional(),
  validation: ValidationConfig.optional(),
  calibration: CalibrationConfig.optional(),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

export const RunnerConfig = z.looseObject({ type: z.string().min(1).default('onnxruntime') });
export type RunnerConfig = z.infer<typeof RunnerConfig>;

/**
 * Gated by default: median latency (statistical, so noise does not block) and engine size. p99 and
 * mean latency, throughput (≈ batch / mean latency) and build time are compared and gated only
 * when a threshold names them: on a shared CI machine a few hundred samples put p99 and mean
 * intervals tens of percent wide, which would leave most verdicts `inconclusive` (see the
 * gate-detection bench); tail growth is still reported as a latency-spike incident.
 */
export const DEFAULT_THRESHOLDS: Record<string, z.input<typeof ThresholdSpec>> = {
  'latency.p50': { model: 'statistical', minEffectPct: 5 },
  'build.artifactBytes': { model: 'percentage', maxRegressionPct: 10 },
};

function defaultThresholds(): Record<string, ThresholdSpec> {
  return Object.fromEntries(Object.entries(DEFAULT_THRESHOLDS).map(([k, v]) => [k, ThresholdSpec.parse(v)]));
}

export const TrtGateConfig = z.strictObject({
  version: z.literal(1).default(1),
  runner: RunnerConfig.default({ type: 'onnxruntime' }),
  models: z.array(ModelConfig).min(1),
  benchmark: BenchmarkConfig.default(BenchmarkConfig.parse({})),
  accuracy: AccuracyConfig.default(AccuracyConfig.parse({})),
  /** Per metric (e.g. `latency.p50`, `accuracy.cosine`); merged over DEFAULT_THRESHOLDS. */
  thresholds: z
    .record(z.string(), ThresholdSpec)
    .default({})
    .transform((user) => ({ ...defaultThresholds(), ...user })),
  baseline: BaselineConfig.default(BaselineConfig.parse({})),
  gate: GateConfig.default(GateConfig.parse({})),
  ab: AbConfig.default(AbConfig.parse({})),
});
export type TrtGateConfig = z.infer<typeof TrtGateConfig>;
