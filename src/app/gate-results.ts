import {
  type BaselineLookup,
  compareResults,
  type GateSettings,
  noBaselines,
} from '../gate/compare-results.js';
import { overallGate } from '../gate/merge-outcomes.js';
import type { GateOutcome, Results } from '../results/schema.js';
import type { BaselineStore } from '../store/types.js';

/**
 * A gate lookup over a store: the key's history, or (without one) the stored keys it nearly
 * matches, which only matter then (environment-mismatch). Never writes.
 */
export function storeLookup(store: BaselineStore): BaselineLookup {
  return async (key) => {
    const history = await store.read(key);
    if (history && history.runs.length > 0) return { history, similar: [] };
    return { similar: await store.findSimilar(key) };
  };
}

/** The candidate with its comparisons and gate outcome attached (a new object). */
export async function gateResults(
  candidate: Results,
  lookup: BaselineLookup,
  settings: GateSettings,
): Promise<Results> {
  const { comparisons, gate } = await compareResults(candidate, lookup, settings);
  return { ...candidate, comparisons, gate };
}

/**
 * Every candidate gated against `store` (no store: every entry `no-baseline`), and the one
 * verdict over all of them.
 */
export async function gateCandidates(
  candidates: readonly Results[],
  store: BaselineStore | undefined,
  settings: GateSettings,
): Promise<{ compared: Results[]; gate: GateOutcome }> {
  const lookup = store ? storeLookup(store) : noBaselines;
  const compared: Results[] = [];
  for (const candidate of candidates) compared.push(await gateResults(candidate, lookup, settings));
  return {
    compared,
    gate: overallGate(
      compared.map((c) => c.gate!),
      settings.gate.failOn,
    ),
  };
}
