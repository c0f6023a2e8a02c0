import type { LoadedConfig } from '../config/load.js';
import { type GateSettings, noBaselines } from '../gate/compare-results.js';
import type { RunObserver } from '../pipeline/events.js';
import type { PlannedEntry } from '../pipeline/plan.js';
import { inconclusiveLatency, remeasure } from '../pipeline/remeasure.js';
import { runPipeline } from '../pipeline/run.js';
import type { Results } from '../results/schema.js';
import { createRunner } from '../runners/create.js';
import type { BaselineStore } from '../store/types.js';
import { gateResults, storeLookup } from './gate-results.js';

export interface RunAndGateOptions {
  loaded: LoadedConfig;
  /** Engines, caches and results go here. */
  outDir: string;
  observer?: RunObserver;
  source?: Results['source'];
  only?: (p: PlannedEntry) => boolean;
  /** Compare with this store; without one only what needs no baseline is judged. */
  store?: BaselineStore;
  settings: GateSettings;
  /** Told how many entries are re-measured, before it starts. */
  onRemeasure?: (entryIds: string[]) => void;
}

/**
 * The run use case, for the CLI and the Action alike: build, benchmark and check every entry;
 * gate against the store; spend up to `gate.maxRerunTrials` more trials on entries whose latency
 * verdict was inconclusive and gate again on the pooled trials.
 */
export async function runAndGate(options: RunAndGateOptions): Promise<Results> {
  const { loaded, outDir, observer, store, settings } = options;
  const runner = await createRunner(loaded, outDir);
  try {
    let results = await runPipeline({
      loaded,
      runner,
      workDir: outDir,
      observer,
      source: options.source,
      only: options.only,
    });
    // Always gated: without a store, accuracy limits and static thresholds still apply.
    const lookup = store ? storeLookup(store) : noBaselines;
    results = await gateResults(results, lookup, settings);
    if (!store) return results;
    const unsure = inconclusiveLatency(results);
    const extraTrials = settings.gate.maxRerunTrials;
    if (unsure.length === 0 || extraTrials <= 0) return results;
    options.onRemeasure?.(unsure);
    const more = await remeasure(results, unsure, { loaded, runner, workDir: outDir, extraTrials, observer });
    return await gateResults(more, lookup, settings);
  } finally {
    await runner.close();
  }
}
