import {
  type BaselineLookup,
  compareResults,
  decide,
  type GateSettings,
  noBaselines,
} from '../gate/compare-results.js';
import { overallGate } from '../gate/merge-outcomes.js';
import type { EntryComparison, GateOutcome, Results } from '../results/schema.js';
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
 * The candidate gated, keeping the comparisons measured in pairs in the job that wrote it
 * (same-job A/B: nothing stored can judge better); every other entry is judged by `lookup` (the
 * stored history), saying why A/B did not judge it: its own unpaired reason, else `abSkipped`.
 * Without any A/B involved (no A/B comparison, no `abSkipped`) this is `gateResults`.
 */
export async function gateKeepingPairs(
  candidate: Results,
  lookup: BaselineLookup,
  settings: GateSettings,
  abSkipped?: string,
): Promise<Results> {
  const prior = new Map((candidate.comparisons ?? []).map((c) => [c.entryId, c]));
  const abInvolved = abSkipped !== undefined || [...prior.values()].some((c) => c.method === 'ab');
  if (!abInvolved) return gateResults(candidate, lookup, settings);
  const paired = (id: string) => (prior.get(id)?.ab ? prior.get(id) : undefined);
  const rest = candidate.entries.filter((e) => !paired(e.id));
  const judged = new Map(
    (await compareResults({ ...candidate, entries: rest }, lookup, settings)).comparisons.map((c) => [
      c.entryId,
      c,
    ]),
  );
  const comparisons = candidate.entries.map((e): EntryComparison => {
    const kept = paired(e.id);
    if (kept) return kept;
    const c = judged.get(e.id)!;
    const why = prior.get(e.id)?.abSkipped ?? abSkipped;
    return { ...c, method: 'history', ...(why && e.status !== 'failed' ? { abSkipped: why } : {}) };
  });
  return { ...candidate, comparisons, gate: decide(comparisons, settings.gate.failOn) };
}

/**
 * Every candidate gated against `store` (no store: every entry `no-baseline`), and the one
 * verdict over all of them. Same-job A/B comparisons in the files are kept unless `dropPairs`
 * says why not (then the history judges those entries too, and says why).
 */
export async function gateCandidates(
  candidates: readonly Results[],
  store: BaselineStore | undefined,
  settings: GateSettings,
  dropPairs?: string,
): Promise<{ compared: Results[]; gate: GateOutcome }> {
  const lookup = store ? storeLookup(store) : noBaselines;
  const compared: Results[] = [];
  for (const candidate of candidates) {
    const comparisons = candidate.comparisons?.map(({ ab, ...c }) =>
      ab && dropPairs ? { ...c, abSkipped: dropPairs } : { ...c, ...(ab ? { ab } : {}) },
    );
    compared.push(await gateKeepingPairs({ ...candidate, comparisons }, lookup, settings));
  }
  return {
    compared,
    gate: overallGate(
      compared.map((c) => c.gate!),
      settings.gate.failOn,
    ),
  };
}
