import type { FullStatsSummary, LatencyResult, Throughput, Trial } from '../results/schema.js';
import type { BenchmarkOutcome } from '../runners/types.js';
import { pool, summarize } from '../stats/summary.js';

/** A runner's trials, each summarised, with its wall time (the samples' sum when it reported none). */
export function trialsOf(outcome: Pick<BenchmarkOutcome, 'trials' | 'wallMs'>): Trial[] {
  return outcome.trials.map((samples, i) => ({
    samples,
    stats: summarize(samples),
    wallMs: outcome.wallMs[i] ?? samples.reduce((a, b) => a + b, 0),
  }));
}

/** Latency of a set of trials: each trial summarised, and all samples pooled. */
export function latencyOf(trials: Trial[], source: string): LatencyResult & { pooled: FullStatsSummary } {
  return { unit: 'ms', trials, pooled: summarize(pool(trials.map((t) => t.samples))), source };
}

/** Inferences (and items: inferences × batch) per second of wall time over all trials. */
export function throughputOf(trials: readonly Trial[], batchSize: number): Throughput {
  const inferences = trials.reduce((n, t) => n + t.samples.length, 0);
  // Runs trt-gate made always record wallMs (only an imported, cut summary lacks it).
  const seconds = trials.reduce((s, t) => s + (t.wallMs ?? 0), 0) / 1000;
  return {
    inferencesPerSec: seconds > 0 ? inferences / seconds : 0,
    itemsPerSec: seconds > 0 ? (inferences * batchSize) / seconds : 0,
  };
}
