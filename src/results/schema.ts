import { z } from 'zod';
import {
  ACCURACY_METRIC_NAMES,
  ACCURACY_METRIC_TABLE,
  type AccuracyMetricName,
  type AlwaysAccuracyMetric,
} from '../accuracy/metric-table.js';
import { Direction, Precision, SloConfig, ThresholdSpec, Verdict } from '../config/schema.js';
import { EngineDiff } from '../engine-diff/schema.js';

/** Bump on any incompatible change; readers migrate older versions (see results/io.ts). */
export const RESULTS_SCHEMA_VERSION = 1;

export const StatsSummary = z.object({
  /** Optional (like p90/p95/p99/stddev/cv) only for imported summaries that do not print it; see LatencyResult.absent. */
  count: z.number().int().nonnegative().optional(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  median: z.number(),
  p90: z.number().optional(),
  p95: z.number().optional(),
  p99: z.number().optional(),
  stddev: z.number().optional(),
  /** Coefficient of variation: stddev / mean. */
  cv: z.number().optional(),
});
export type StatsSummary = z.infer<typeof StatsSummary>;
/** Every statistic: what trt-gate computes from samples itself (only imported summaries lack some). */
export const FullStatsSummary = StatsSummary.required();
export type FullStatsSummary = z.infer<typeof FullStatsSummary>;

export const Trial = z.object({
  samples: z.array(z.number()),
  stats: StatsSummary,
  /** Absent only for an imported summary that was cut before its walltime line. */
  wallMs: z.number().nonnegative().optional(),
});
export type Trial = z.infer<typeof Trial>;

export const LatencyResult = z.object({
  unit: z.literal('ms'),
  trials: z.array(Trial).min(1),
  pooled: StatsSummary,
  /** Where the samples came from, e.g. `session.run` or trtexec's `latencyMs`. */
  source: z.string(),
  /**
   * Statistics the source does not have (an imported trtexec summary prints no stddev/CV, 8.x no p90/p95):
   * absent from `pooled`, never filled in. Empty trial samples mean no per-query samples either.
   */
  absent: z.array(z.string()).optional(),
  /** Values the source had but cut short (a terminal-clipped `percentile(99%) = 0.s`). */
  missing: z.array(z.string()).optional(),
});
export type LatencyResult = z.infer<typeof LatencyResult>;

export const Throughput = z.object({
  inferencesPerSec: z.number().nonnegative(),
  /** Inferences × batch size per second. */
  itemsPerSec: z.number().nonnegative(),
});
export type Throughput = z.infer<typeof Throughput>;

export const BuildInfo = z.object({
  timeMs: z.number().nonnegative(),
  artifactPath: z.string(),
  artifactBytes: z.number().int().nonnegative(),
  artifactSha256: z.string(),
  modelSha256: z.string(),
  cached: z.boolean(),
  /** Hash of everything that shapes the engine: flags, precision, input shapes/profiles. */
  optionsHash: z.string(),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type BuildInfo = z.infer<typeof BuildInfo>;

/** Built from the one table: metrics that exist for every output are required, the others optional. */
export const AccuracyMetrics = z.object(
  Object.fromEntries(
    ACCURACY_METRIC_NAMES.map((name) => [
      name,
      ACCURACY_METRIC_TABLE[name].availability === 'always' ? z.number() : z.number().optional(),
    ]),
  ) as { [K in AlwaysAccuracyMetric]: z.ZodNumber } & {
    [K in Exclude<AccuracyMetricName, AlwaysAccuracyMetric>]: z.ZodOptional<z.ZodNumber>;
  },
);
export type AccuracyMetrics = z.infer<typeof AccuracyMetrics>;

export const OutputAccuracy = z.object({
  name: z.string(),
  dims: z.array(z.number()),
  /** Count of NaN/Inf values in the candidate's output; any makes the accuracy check fail. */
  nonFinite: z.number().int().nonnegative(),
  metrics: AccuracyMetrics.nullable(),
});
export type OutputAccuracy = z.infer<typeof OutputAccuracy>;

export const LimitViolation = z.object({
  output: z.string(),
  metric: z.string(),
  value: z.number().nullable(),
  limit: z.object({ min: z.number().optional(), max: z.number().optional() }),
  message: z.string(),
});
export type LimitViolation = z.infer<typeof LimitViolation>;

/** Where accuracy inputs came from when they are validation data, and the labelled accuracy. */
export const ValidationInfo = z.object({
  source: z.string(),
  /** Items in the files, and items used (whole batches). */
  total: z.number().int().nonnegative(),
  items: z.number().int().nonnegative(),
  /** The seeded subset used when the set is larger than `maxItems`. */
  subset: z.object({ seed: z.number().int(), indices: z.array(z.number().int()) }).optional(),
  labelled: z
    .object({
      output: z.string(),
      top1: z.number(),
      top5: z.number(),
      reference: z.object({ top1: z.number(), top5: z.number() }),
      top1Drop: z.number(),
      top5Drop: z.number(),
    })
    .optional(),
});
export type ValidationInfo = z.infer<typeof ValidationInfo>;

/** One intermediate tensor compared with the fp32 reference's tensor of the same name. */
export const LayerDivergence = z.object({
  tensor: z.string(),
  /** The node producing it and its op type. */
  node: z.string(),
  op: z.string(),
  /** Position in the candidate graph's node order. */
  index: z.number().int().nonnegative(),
  /** Worst per-sample cosine similarity and max |error|; null when either side has NaN/Inf. */
  cosine: z.number().nullable(),
  maxAbsError: z.number().nullable(),
  nonFinite: z.number().int().nonnegative(),
});
export type LayerDivergence = z.infer<typeof LayerDivergence>;

/** The first layer whose output leaves the fp32 reference, found when accuracy fails. */
export const Localization = z.object({
  status: z.enum(['found', 'none', 'failed']),
  /** How intermediate outputs were obtained, and what that may change. */
  method: z.string(),
  /** Accuracy samples (batches) compared, the worst ones. */
  samples: z.array(z.number().int().nonnegative()),
  /** A tensor diverges when its cosine similarity is below this (or it has NaN/Inf). */
  cosineBelow: z.number(),
  first: LayerDivergence.optional(),
  /** Every compared tensor, in graph order. */
  layers: z.array(LayerDivergence),
  message: z.string().optional(),
});
export type Localization = z.infer<typeof Localization>;

export const AccuracyResult = z.object({
  reference: z.string(),
  samples: z.number().int().positive(),
  outputs: z.array(OutputAccuracy),
  /** Worst value of each metric across outputs (max for errors, min for similarities). */
  worst: AccuracyMetrics.nullable(),
  violations: z.array(LimitViolation),
  passed: z.boolean(),
  validation: ValidationInfo.optional(),
  localization: Localization.optional(),
});
export type AccuracyResult = z.infer<typeof AccuracyResult>;

export const IncidentKind = z.enum([
  'engine-build-failure',
  'unsupported-operator',
  'out-of-memory',
  'shape-profile-error',
  'engine-mismatch',
  'unknown-option',
  'timeout',
  'crash',
  'latency-spike',
  'accuracy-degradation',
  'unreliable-measurement',
  'thermal-throttling',
  'runtime-error',
  /** A build told to use a timing cache that missed it, did not load it or wrote none (tactic drift is possible). */
  'timing-cache-miss',
]);
export type IncidentKind = z.infer<typeof IncidentKind>;

export const Stage = z.enum(['probe', 'build', 'benchmark', 'accuracy', 'compare']);
export type Stage = z.infer<typeof Stage>;

export const Incident = z.object({
  kind: IncidentKind,
  stage: Stage,
  title: z.string(),
  message: z.string(),
  /** Untrusted text from a tool's log: always escaped when rendered. */
  logExcerpt: z.string().optional(),
  /**
   * Steps of this occurrence (its layer, flag, file, finding); writers add the kind's playbook after
   * them (src/report/playbooks.ts), so generic advice is written there once.
   */
  nextSteps: z.array(z.string()),
});
export type Incident = z.infer<typeof Incident>;

/**
 * An imported run (trt-gate import trtexec) may not show its precision or batch size: recorded as
 * `unknown`, never guessed. Runs trt-gate made itself always know both.
 */
export const EntryPrecision = z.union([Precision, z.literal('unknown')]);
export type EntryPrecision = z.infer<typeof EntryPrecision>;
export const EntryBatchSize = z.union([z.number().int().positive(), z.literal('unknown')]);
export type EntryBatchSize = z.infer<typeof EntryBatchSize>;

/** What a baseline must match for a comparison to mean anything. */
export const BaselineKey = z.object({
  model: z.string(),
  precision: EntryPrecision,
  batchSize: EntryBatchSize,
  runner: z.string(),
  /** CPU model, or GPU name + compute capability. */
  device: z.string(),
  /** e.g. `onnxruntime 1.30.0` or `tensorrt 10.3.0 / driver 550.54`. */
  runtime: z.string(),
  optionsHash: z.string(),
});
export type BaselineKey = z.infer<typeof BaselineKey>;

export const LayerTiming = z.object({
  name: z.string(),
  type: z.string().optional(),
  index: z.number().int().nonnegative(),
  averageMs: z.number(),
  medianMs: z.number().optional(),
  percentage: z.number().optional(),
  precision: z.string().optional(),
  tactic: z.string().optional(),
});
export type LayerTiming = z.infer<typeof LayerTiming>;

export const SweepPoint = z.object({
  batchSize: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  /** Pooled latency of one request (one batch), ms. */
  latency: FullStatsSummary.optional(),
  itemsPerSec: z.number().nonnegative().optional(),
  withinSlo: z.boolean().optional(),
  /** Why the point has no numbers (it failed to build or run). */
  error: z.string().optional(),
});
export type SweepPoint = z.infer<typeof SweepPoint>;

export const SweepResult = z.object({
  slo: SloConfig.optional(),
  points: z.array(SweepPoint),
  /** Highest throughput within the SLO (or overall without one); absent when no point qualifies. */
  chosen: z.object({ batchSize: z.number().int(), concurrency: z.number().int() }).optional(),
  /** Items/s at the chosen point; 0 when an SLO was set and no point met it. */
  throughputAtSlo: z.number().nonnegative(),
  /** Why each concurrency level's batch series ended before its last batch size, if it did. */
  stops: z.array(
    z.object({ concurrency: z.number().int(), afterBatch: z.number().int(), reason: z.string() }),
  ),
});
export type SweepResult = z.infer<typeof SweepResult>;

export const Entry = z.object({
  id: z.string(),
  model: z.string(),
  precision: EntryPrecision,
  batchSize: EntryBatchSize,
  status: z.enum(['ok', 'failed']),
  key: BaselineKey,
  build: BuildInfo.optional(),
  latency: LatencyResult.optional(),
  throughput: Throughput.optional(),
  accuracy: AccuracyResult.optional(),
  /** Device health sampled around the benchmark (GPU clocks, temperature, throttling). */
  health: z.record(z.string(), z.unknown()).optional(),
  /** Set when the measurement cannot be trusted (throttling, clock drop): never a regression. */
  unreliable: z.string().optional(),
  layers: z.array(LayerTiming).optional(),
  /** Latency/throughput curve over batch × concurrency, when the model has a `sweep`. */
  sweep: SweepResult.optional(),
  incidents: z.array(Incident),
  error: z.object({ stage: Stage, message: z.string() }).optional(),
  /** A/B runs: this side's outputs against the base side's on the same inputs (drift from production). */
  accuracyVsBase: AccuracyResult.optional(),
});
export type Entry = z.infer<typeof Entry>;

/** An entry whose precision and batch size are known (every run trt-gate made; imports that showed them). */
export type KnownEntry = Entry & { precision: Precision; batchSize: number };
export function isKnownEntry(entry: Entry): entry is KnownEntry {
  return entry.precision !== 'unknown' && entry.batchSize !== 'unknown';
}

export const Environment = z.object({
  runner: z.string(),
  os: z.object({ platform: z.string(), release: z.string(), arch: z.string() }),
  host: z.object({ cpuModel: z.string(), cpuCores: z.number(), memoryBytes: z.number() }),
  node: z.string(),
  runtime: z.object({ name: z.string(), version: z.string() }),
  device: z.object({
    kind: z.enum(['cpu', 'gpu']),
    name: z.string(),
    computeCapability: z.string().optional(),
    driver: z.string().optional(),
    memoryBytes: z.number().optional(),
  }),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type Environment = z.infer<typeof Environment>;

export const MetricComparison = z.object({
  metric: z.string(),
  direction: Direction,
  threshold: ThresholdSpec,
  baseline: z.number().nullable(),
  candidate: z.number().nullable(),
  /** (candidate / baseline - 1) × 100. */
  deltaPct: z.number().nullable(),
  /** Confidence interval of deltaPct, where the model computes one. */
  intervalPct: z.tuple([z.number(), z.number()]).optional(),
  /** Run-to-run noise of the baseline history (percent), where known. */
  noisePct: z.number().optional(),
  verdict: Verdict,
  reason: z.string(),
});
export type MetricComparison = z.infer<typeof MetricComparison>;

export const LayerDelta = z.object({
  name: z.string(),
  type: z.string().optional(),
  matchedBy: z.enum(['name', 'type-position']),
  baselineMs: z.number(),
  candidateMs: z.number(),
  deltaMs: z.number(),
  deltaPct: z.number().nullable(),
  note: z.string().optional(),
});
export type LayerDelta = z.infer<typeof LayerDelta>;

/** How a same-job A/B comparison was measured (src/ab/). */
export const AbSummary = z.object({
  /** What the base side was, e.g. `git main (1a2b3c4d5e6f)`. */
  base: z.string(),
  pairs: z.number().int().nonnegative(),
  blockIterations: z.number().int().positive(),
  /** Rounds not counted (a block marked unreliable), with the first reasons. */
  discardedRounds: z.number().int().nonnegative(),
  discardReasons: z.array(z.string()),
  /** A/A control (base vs base): estimate, interval and noise = largest |end| of it, percent. */
  aaDeltaPct: z.number().nullable(),
  aaIntervalPct: z.tuple([z.number(), z.number()]).nullable(),
  aaNoisePct: z.number().nullable(),
  /** The smallest change this job could call: max(minEffectPct, A/A noise). */
  thresholdPct: z.number(),
  /** Measurement time spent on this entry until it stopped, ms. */
  timeToVerdictMs: z.number().nonnegative(),
  /** Job time when this entry stopped, ms since measurement began. */
  stoppedAtMs: z.number().nonnegative(),
  stopped: z.enum(['settled', 'max-pairs', 'futile', 'time-budget', 'discarded']),
  /** Notes on what differs between the sides' configs. */
  notes: z.array(z.string()).default([]),
});
export type AbSummary = z.infer<typeof AbSummary>;

export const EntryComparison = z.object({
  entryId: z.string(),
  model: z.string(),
  precision: EntryPrecision,
  batchSize: EntryBatchSize,
  device: z.string(),
  verdict: Verdict,
  reason: z.string(),
  baselineRuns: z.number().int().nonnegative(),
  metrics: z.array(MetricComparison),
  layers: z.array(LayerDelta).optional(),
  /** Per-layer engine diff against the baseline's layers, when latency moved and both sides have them. */
  engineDiff: EngineDiff.optional(),
  /** Which method judged the entry: same-job A/B, or the stored history. Absent in older files: history. */
  method: z.enum(['ab', 'history']).optional(),
  ab: AbSummary.optional(),
  /** Why same-job A/B did not judge this entry (unpaired, base side not built, not run); then the history did, or nothing. */
  abSkipped: z.string().optional(),
  /** Who accepted this regression on the pull request, when, why, and where (the verdict is then `accepted`). */
  accepted: z
    .object({
      by: z.string(),
      at: z.string(),
      reason: z.string(),
      url: z.string().optional(),
      pattern: z.string(),
      /** The commit (prefix) the acceptance was given for. Absent in files of older versions. */
      commit: z.string().optional(),
      /** The largest worsening accepted, percent, when the acceptance gave a bound. */
      upToPct: z.number().optional(),
    })
    .optional(),
  /**
   * The baseline's latency distribution for the report's overlay: 101 quantiles (0, 1 … 100 %)
   * of the raw samples pooled over the latest stored runs that still keep them. Absent where no
   * stored run has raw samples.
   */
  baselineLatency: z
    .object({
      quantiles: z.array(z.number()).length(101),
      samples: z.number().int().positive(),
      runs: z.number().int().positive(),
    })
    .optional(),
});
export type EntryComparison = z.infer<typeof EntryComparison>;

export const GateOutcome = z.object({
  /** `fail` when any entry's verdict is in failOn. */
  conclusion: z.enum(['pass', 'fail', 'neutral']),
  failOn: z.array(Verdict),
  counts: z.partialRecord(Verdict, z.number().int()),
  failing: z.array(z.string()),
});
export type GateOutcome = z.infer<typeof GateOutcome>;

export const Results = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('trt-gate'), version: z.string() }),
  runId: z.string(),
  createdAt: z.string(),
  /** Where the run came from (commit, ref, CI event); filled by the Action or flags. */
  source: z
    .object({ sha: z.string().optional(), ref: z.string().optional(), event: z.string().optional() })
    .default({}),
  environment: Environment,
  config: z.record(z.string(), z.unknown()),
  entries: z.array(Entry),
  comparisons: z.array(EntryComparison).optional(),
  gate: GateOutcome.optional(),
});
export type Results = z.infer<typeof Results>;
