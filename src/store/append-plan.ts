import type { BaselineKey, Results } from '../results/schema.js';
import { keyId } from './key.js';
import type { AppendOutcome, BaselineRun } from './types.js';

/** One run to append to one key. */
export interface AppendTarget {
  key: BaselineKey;
  keyId: string;
  entryId: string;
  run: BaselineRun;
}

/**
 * Shared by every store: which entries of `results` are stored and which are skipped (and why).
 * Stored: status `ok` and not `unreliable`. A second entry with the same key in one results file is
 * skipped, so one run never lands twice in a key.
 */
export function planAppend(results: Results): { targets: AppendTarget[]; skipped: AppendOutcome['skipped'] } {
  const targets: AppendTarget[] = [];
  const skipped: AppendOutcome['skipped'] = [];
  const seen = new Map<string, string>();
  for (const entry of results.entries) {
    if (entry.status !== 'ok') {
      const why = entry.error ? ` at ${entry.error.stage}: ${entry.error.message}` : '';
      skipped.push({ entryId: entry.id, reason: `status is ${entry.status}${why}` });
      continue;
    }
    if (entry.unreliable !== undefined) {
      skipped.push({ entryId: entry.id, reason: `measurement unreliable: ${entry.unreliable}` });
      continue;
    }
    const id = keyId(entry.key);
    const first = seen.get(id);
    if (first !== undefined) {
      skipped.push({ entryId: entry.id, reason: `same baseline key as entry ${first} in this run` });
      continue;
    }
    seen.set(id, entry.id);
    targets.push({
      key: entry.key,
      keyId: id,
      entryId: entry.id,
      run: {
        runId: results.runId,
        createdAt: results.createdAt,
        source: structuredClone(results.source),
        entry: structuredClone(entry),
      },
    });
  }
  return { targets, skipped };
}

export function assertHistorySize(historySize: number): void {
  if (!Number.isInteger(historySize) || historySize < 1) {
    throw new RangeError(`historySize must be a positive integer, got ${historySize}`);
  }
}

/**
 * `runs` plus `run`, oldest first, keeping the newest `historySize`. Newest is by `createdAt`
 * (ties keep arrival order; unparseable dates count as oldest). Appending is idempotent: a run
 * whose runId is already stored is skipped, as is one older than every run a full history keeps.
 */
export function mergeRuns(
  runs: BaselineRun[],
  run: BaselineRun,
  historySize: number,
): { runs: BaselineRun[] } | { skip: string } {
  if (runs.some((r) => r.runId === run.runId)) return { skip: `run ${run.runId} is already stored` };
  const time = (r: BaselineRun) => {
    const t = Date.parse(r.createdAt);
    return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
  };
  const merged = [...runs, run]
    .map((r, index) => ({ r, index, t: time(r) }))
    .sort((a, b) => (a.t === b.t ? a.index - b.index : a.t < b.t ? -1 : 1))
    .map(({ r }) => r);
  const kept = merged.slice(Math.max(0, merged.length - historySize));
  if (!kept.includes(run)) {
    return { skip: `run ${run.runId} is older than the ${historySize} newest runs kept` };
  }
  return { runs: kept };
}
