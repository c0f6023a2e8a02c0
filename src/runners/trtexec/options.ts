import { z } from 'zod';

/** A path, or `false` to turn the feature off. */
const pathOrOff = z.union([z.string().min(1), z.literal(false)]);

export const HealthOptions = z.strictObject({
  /** A sample hotter than this (°C) makes the measurement unreliable. */
  maxTemperatureC: z.number().positive().default(85),
  /**
   * A busy sample whose SM clock is below this fraction of the reference clock makes the measurement
   * unreliable. The reference is `expectedSmClockMHz` when set (use it with `nvidia-smi -lgc`), else the
   * GPU's `clocks.max.sm`; unlocked boost clocks often sit at 0.8–0.9 of it, so the default is loose.
   */
  minSmClockRatio: z.number().gt(0).max(1).default(0.75),
  /** The clock the GPU is locked to (`nvidia-smi -lgc X,X`); tighten minSmClockRatio (e.g. 0.95) with it. */
  expectedSmClockMHz: z.number().positive().optional(),
  /** Treat software power capping / hardware power brake as making a run unreliable. */
  powerCapIsUnreliable: z.boolean().default(true),
  /** How often nvidia-smi is sampled while a benchmark runs. */
  sampleIntervalMs: z.number().int().min(10).max(60_000).default(500),
  /** Pause before re-running an unreliable benchmark, so the GPU can cool down. */
  cooldownSec: z.number().nonnegative().max(600).default(10),
});
export type HealthOptions = z.infer<typeof HealthOptions>;

export const TrtexecOptions = z.strictObject({
  /** The trtexec executable: a name looked up on PATH, or a path (relative to the config file). */
  path: z.string().min(1).default('trtexec'),
  /** Limits per trtexec invocation, in seconds: engine builds and runs (benchmark, profile, accuracy). */
  timeoutSec: z
    .strictObject({
      build: z.number().positive().default(3600),
      run: z.number().positive().default(600),
    })
    .default({ build: 3600, run: 600 }),
  /** Builder workspace limit (`--memPoolSize=workspace:<MiB>`). */
  workspaceMiB: z.number().positive().optional(),
  builderOptimizationLevel: z.number().int().min(0).max(5).optional(),
  hardwareCompatibilityLevel: z.enum(['none', 'ampere+', 'sameComputeCapability']).optional(),
  /**
   * `--timingCacheFile`, kept across runs. Default: `<cache dir>/timing/<TensorRT>-<GPU>.cache`
   * (one per TensorRT version and GPU); `false` builds without a timing cache file.
   */
  timingCache: pathOrOff.optional(),
  /** Directory of built engines, reused while nothing that shapes the engine changed. Default: `<cache dir>/engines`. */
  engineCache: pathOrOff.optional(),
  /** Unset: trtexec's default. `useSpinWait: true` gives steadier latencies. */
  useSpinWait: z.boolean().optional(),
  useCudaGraph: z.boolean().optional(),
  /** Unset: the version's default (transfers timed before 11, not on 11: docs/gpu-runners.md). */
  noDataTransfers: z.boolean().optional(),
  /** `false`: fp32 layers as real fp32 (`--noTF32`); unset: TensorRT may use TF32 on Ampere and newer. */
  tf32: z.boolean().optional(),
  /** `--warmUp` (milliseconds of warm-up before timing). Default: trtexec's 200 ms. */
  warmUpMs: z.number().nonnegative().optional(),
  /** `--duration` (minimum seconds of timing per trial). Default: benchmark.minDurationMs. */
  durationSec: z.number().nonnegative().optional(),
  avgRuns: z.number().int().positive().optional(),
  /**
   * A separate profiling run per entry (`--exportProfile` + `--exportLayerInfo`) for per-layer times.
   * Engines are then built with `--profilingVerbosity=detailed`, so they get their own cache entries.
   */
  profile: z.boolean().default(false),
  /** Flags appended to engine builds / to every run; checked against the detected TensorRT version. */
  extraBuildFlags: z.array(z.string()).default([]),
  extraRunFlags: z.array(z.string()).default([]),
  /** nvidia-smi for the device description and health sampling; `false` turns both off. */
  nvidiaSmi: pathOrOff.default('nvidia-smi'),
  health: HealthOptions.default(HealthOptions.parse({})),
  /** Re-runs of a benchmark whose measurement was unreliable (throttling, clock drop) before giving up. */
  maxReruns: z.number().int().min(0).max(10).default(2),
});
export type TrtexecOptions = z.infer<typeof TrtexecOptions>;
