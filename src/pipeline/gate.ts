import type { GateConfig, ThresholdSpec } from '../config/schema.js';
import { type BaselineLookup, compareResults, type GateReport } from '../gate/gate.js';
import type { Results } from '../results/schema.js';
import type { BaselineStore } from '../store/types.js';

/** Reads a key's history and its look-alikes under other environments; never writes. */
export function storeLookup(store: BaselineStore): BaselineLookup {
  return async (key) => {
    const [history, similar] = await Promise.all([store.read(key), store.findSimilar(key)]);
    return history ? { history, similar } : { similar };
  };
}

export interface GateInputs {
  thresholds: Record<string, ThresholdSpec>;
  gate: GateConfig;
}

/** The candidate with its comparisons and gate outcome attached (a new object). */
export async function gateResults(
  candidate: Results,
  lookup: BaselineLookup,
  settings: GateInputs,
): Promise<Results> {
  const report: GateReport = await compareResults(candidate, lookup, settings);
  return { ...candidate, comparisons: report.comparisons, gate: report.gate };
}
