import type { GateConfig, ThresholdSpec, Verdict } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { isSimilarKey, keyId } from '../results/key.js';
import type { BaselineKey, EntryComparison, GateOutcome, Results } from '../results/schema.js';
import type { BaselineHistory, BaselineRun } from '../store/types.js';
import { type CompareOptions, compareEntry } from './compare.js';
import { METRICS, unknownMetrics } from './metrics.js';

/** What the store knows about a key: its history, and keys of the same model elsewhere. */
export interface BaselineLookupResult {
  history?: BaselineHistory;
  similar: BaselineKey[];
}
export type BaselineLookup = (key: BaselineKey) => Promise<BaselineLookupResult>;

/**
 * The lookup when there is no store (or comparing is off): every key has no history, so only what
 * needs no baseline is judged — accuracy limits and static thresholds, which always apply.
 */
export const noBaselines: BaselineLookup = async () => ({ similar: [] });

export interface GateSettings {
  thresholds: Readonly<Record<string, ThresholdSpec>>;
  gate: GateConfig;
}

export interface CompareResultsOptions extends CompareOptions {
  /** Lookups in flight at once (default 4): overlaps store reads while bounding memory. */
  concurrency?: number;
}

export interface GateReport {
  comparisons: EntryComparison[];
  gate: GateOutcome;
}

/** Verdicts that never make the gate fail or stay neutral on their own. */
const GOOD: ReadonlySet<Verdict> = new Set(['improved', 'unchanged']);

/**
 * The gate's conclusion: `fail` when any entry's verdict is in `failOn`; otherwise `neutral` when
 * any entry is not plainly good (inconclusive, no-baseline, environment-mismatch — or a failed or
 * regressed entry that `failOn` leaves out: it needs a look even if it must not block); else `pass`.
 */
export function decide(comparisons: readonly EntryComparison[], failOn: readonly Verdict[]): GateOutcome {
  const fails = new Set(failOn);
  const counts: Partial<Record<Verdict, number>> = {};
  const failing: string[] = [];
  let neutral = false;
  for (const c of comparisons) {
    counts[c.verdict] = (counts[c.verdict] ?? 0) + 1;
    if (fails.has(c.verdict)) failing.push(c.entryId);
    else if (!GOOD.has(c.verdict)) neutral = true;
  }
  const conclusion = failing.length > 0 ? 'fail' : neutral ? 'neutral' : 'pass';
  return { conclusion, failOn: [...failOn], counts, failing };
}

/** Throws a UsageError naming threshold keys that are not registered metrics. */
export function assertKnownMetrics(thresholds: Readonly<Record<string, ThresholdSpec>>): void {
  const unknown = unknownMetrics(Object.keys(thresholds));
  if (unknown.length > 0) {
    throw new UsageError(
      `thresholds: unknown metric${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; ` +
        `known metrics: ${[...METRICS.keys()].join(', ')}`,
    );
  }
}

/**
 * Compares every entry of a candidate run against the store and decides the gate. Entries are
 * compared as their lookups resolve, at most `concurrency` at a time, so only that many histories
 * are held at once; comparisons keep the candidate's entry order.
 */
export async function compareResults(
  candidate: Results,
  lookup: BaselineLookup,
  settings: GateSettings,
  options: CompareResultsOptions = {},
): Promise<GateReport> {
  assertKnownMetrics(settings.thresholds);
  const entries = candidate.entries;
  const comparisons = new Array<EntryComparison>(entries.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const i = next++;
      const entry = entries[i]!;
      const found: BaselineLookupResult =
        entry.status === 'failed' ? { similar: [] } : await lookup(entry.key);
      comparisons[i] = compareEntry(entry, found.history, found.similar, settings.thresholds, options);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, entries.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return { comparisons, gate: decide(comparisons, settings.gate.failOn) };
}

/**
 * A lookup over one earlier results file: each of its entries becomes a one-run history for its
 * key (several entries with one key, in file order); entries of the same model, precision and
 * batch size under other keys are the `similar` ones.
 */
export function lookupFromResults(baseline: Results): BaselineLookup {
  const histories = new Map<string, BaselineHistory>();
  for (const entry of baseline.entries) {
    const run: BaselineRun = {
      runId: baseline.runId,
      createdAt: baseline.createdAt,
      source: baseline.source,
      entry,
    };
    const id = keyId(entry.key);
    const found = histories.get(id);
    if (found) found.runs.push(run);
    else histories.set(id, { key: entry.key, runs: [run] });
  }
  return async (key) => {
    const history = histories.get(keyId(key));
    const similar = [...histories.values()].map((h) => h.key).filter((k) => isSimilarKey(k, key));
    return history ? { history, similar } : { similar };
  };
}
