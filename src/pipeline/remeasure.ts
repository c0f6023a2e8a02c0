import type { LoadedConfig } from '../config/load.js';
import type { Entry, Results } from '../results/schema.js';
import type { Runner } from '../runners/types.js';
import type { RunObserver } from './events.js';
import { latencyOf, throughputOf } from './measurements.js';
import { runPipeline } from './run.js';

/** Entry ids whose latency verdict was inconclusive and that were measured reliably. */
export function inconclusiveLatency(results: Results): string[] {
  const ids = new Set<string>();
  for (const c of results.comparisons ?? []) {
    if (c.metrics.some((m) => m.metric.startsWith('latency.') && m.verdict === 'inconclusive'))
      ids.add(c.entryId);
  }
  return results.entries.filter((e) => ids.has(e.id) && e.status === 'ok' && !e.unreliable).map((e) => e.id);
}

/** Appends `extra`'s trials to `entry`'s and recomputes the pooled statistics and throughput. */
export function mergeTrials(entry: Entry, extra: Entry): Entry {
  if (!entry.latency || !extra.latency || entry.batchSize === 'unknown') return entry;
  const trials = [...entry.latency.trials, ...extra.latency.trials];
  return {
    ...entry,
    latency: latencyOf(trials, entry.latency.source),
    throughput: throughputOf(trials, entry.batchSize),
  };
}

/**
 * Spends up to `extraTrials` more trials on entries whose latency verdict was inconclusive, so
 * the gate can decide on more data instead of guessing. Builds are redone (cheap for ONNX Runtime;
 * cached engines for trtexec); accuracy is not re-checked.
 */
export async function remeasure(
  results: Results,
  ids: string[],
  options: {
    loaded: LoadedConfig;
    runner: Runner;
    workDir: string;
    extraTrials: number;
    observer?: RunObserver;
  },
): Promise<Results> {
  if (ids.length === 0 || options.extraTrials <= 0) return results;
  const config = options.loaded.config;
  const loaded: LoadedConfig = {
    ...options.loaded,
    config: {
      ...config,
      benchmark: { ...config.benchmark, trials: options.extraTrials },
      accuracy: { ...config.accuracy, enabled: false },
    },
  };
  const wanted = new Set(ids);
  const extra = await runPipeline({
    loaded,
    runner: options.runner,
    workDir: options.workDir,
    observer: options.observer,
    only: (p) => wanted.has(p.id),
  });
  const byId = new Map(extra.entries.map((e) => [e.id, e]));
  return {
    ...results,
    entries: results.entries.map((e) => {
      const more = byId.get(e.id);
      return more && more.status === 'ok' ? mergeTrials(e, more) : e;
    }),
  };
}
