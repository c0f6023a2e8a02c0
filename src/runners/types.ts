import type { z } from 'zod';
import type { InputSpec, Precision, TrtGateConfig } from '../config/schema.js';
import type { TensorSet } from '../inputs/tensor.js';
import type { Environment, Incident, LayerTiming, Stage } from '../results/schema.js';

/** One engine to build: a model at one precision and batch size. */
export interface BuildRequest {
  model: string;
  precision: Precision;
  batchSize: number;
  /** Absolute path of the ONNX file for this precision. */
  onnxPath: string;
  /** Inputs with the batch size applied to `shape`. */
  inputs: InputSpec[];
  /** INT8 calibration cache, if the model config has one. */
  calibrationCache?: string;
  /** A directory this engine may write to (artifacts, caches, logs). */
  workDir: string;
}

export interface BuiltEngine {
  request: BuildRequest;
  artifactPath: string;
  timeMs: number;
  cached: boolean;
  /** Hash of the build options (flags, precision, shapes): part of the baseline key. */
  optionsHash: string;
  details: Record<string, unknown>;
  /** Build problems that did not stop it (e.g. a timing cache that missed). */
  incidents?: Incident[];
}

export interface BenchmarkPlan {
  warmup: number;
  iterations: number;
  minDurationMs: number;
  trials: number;
  /** Requests in flight at once (default 1). Runners without `concurrentRequests` only take 1. */
  concurrency?: number;
}

export interface BenchmarkOutcome {
  /** Per-inference latency in ms, one array per trial. */
  trials: number[][];
  /** Wall-clock time of each trial's timed loop, ms. */
  wallMs: number[];
  /** What a sample measures, e.g. `session.run` or `trtexec latencyMs`. */
  source: string;
  health?: Record<string, unknown>;
  /** Set when the device misbehaved (throttling, clocks): the samples must not gate. */
  unreliable?: string;
  layers?: LayerTiming[];
  incidents?: Incident[];
}

export type ProgressFn = (message: string) => void;

/** One arm of an interleaved measurement: an engine and the inputs it is timed on. */
export interface InterleavedArm {
  engine: BuiltEngine;
  feeds: TensorSet;
}

export interface InterleavedPlan {
  /** Warm-up inferences per arm, interleaved like the timed ones. */
  warmup: number;
  /** Timed inferences per arm. */
  iterations: number;
  /** The arms' order (indices into the arms) for iteration i: a permutation of all arms. */
  order(i: number): readonly number[];
}

/** A runner turns ONNX models into engines, times them and runs them for accuracy. */
export interface Runner {
  readonly type: string;
  /** Builds INT8 engines from a calibration cache (BuildRequest.calibrationCache), e.g. trtexec --calib. */
  readonly usesCalibrationCache?: boolean;
  /** Whether `benchmark` honours `plan.concurrency` > 1. */
  readonly concurrentRequests?: boolean;
  probe(): Promise<Environment>;
  build(request: BuildRequest, progress: ProgressFn): Promise<BuiltEngine>;
  benchmark(
    engine: BuiltEngine,
    plan: BenchmarkPlan,
    feeds: TensorSet,
    progress: ProgressFn,
  ): Promise<BenchmarkOutcome>;
  /**
   * Times several engines in one loop, inference by inference in `plan.order`, so every arm sees
   * the same machine state within a fraction of a millisecond (same-job A/B). One outcome per arm,
   * one trial each. Runners that run one process per engine (trtexec) leave it out; their arms are
   * measured in alternating blocks instead.
   */
  benchmarkInterleaved?(arms: readonly InterleavedArm[], plan: InterleavedPlan): Promise<BenchmarkOutcome[]>;
  /** Outputs for each feed set, in order. */
  infer(engine: BuiltEngine, feeds: TensorSet[]): Promise<TensorSet[]>;
  /**
   * Loads the same engine again in a fresh in-process session, releasing the old one. Where a
   * session's memory lands can make it a few percent faster or slower for its whole life; A/B
   * reloads every arm between cycles so that this is noise across pairs, not an arm's bias.
   * Runners with a process per block (trtexec) leave it out: every block is already fresh.
   */
  reload?(engine: BuiltEngine): Promise<void>;
  /** Frees what one engine holds (sessions, temp files). */
  release(engine: BuiltEngine): Promise<void>;
  close(): Promise<void>;
}

/** A runner's failure, already classified as an incident for the report. */
export class RunnerError extends Error {
  constructor(
    readonly stage: Stage,
    readonly incident: Incident,
  ) {
    super(incident.message);
    this.name = 'RunnerError';
  }
}

export interface RunnerFactory<Options = unknown> {
  readonly type: string;
  readonly description: string;
  /** Validates `runner:` in the config (minus `type`); errors name fields under `runner.`. */
  readonly optionsSchema: z.ZodType<Options>;
  /** Loads the runner's modules (and native libraries) on demand: only a run calls this. */
  create(options: Options, context: RunnerContext): Promise<Runner>;
  /** Problems only this runner sees in a schema-valid config (e.g. a precision it cannot realise). */
  checkConfig?(config: TrtGateConfig, options: Options): Array<{ path: string; message: string }>;
}

export interface RunnerContext {
  /** Directory of the config file: relative paths in options resolve against it. */
  configDir: string;
  /** Where engines, caches and logs may be kept between runs. */
  cacheDir: string;
}
