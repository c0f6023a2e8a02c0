import { createHash } from 'node:crypto';
import type { BaselineKey, Results } from '../results/schema.js';
import { keyId, slug } from './key.js';
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
 * A run's place in a key's history: its creation time (unparseable: the oldest), then its id; the
 * filesystem store names run files with it, so both stores order a history the same way.
 */
export function runSortKey(run: Pick<BaselineRun, 'runId' | 'createdAt'>): string {
  const t = Date.parse(run.createdAt);
  const ms = Number.isNaN(t) ? 0 : Math.max(0, t);
  return `${String(ms).padStart(15, '0')}-${slug(run.runId, 40)}-${runHash(run.runId)}`;
}

/** 16 hex digits of the run id's SHA-256: a run's identity in file names. */
export function runHash(runId: string): string {
  return createHash('sha256').update(runId).digest('hex').slice(0, 16);
}

/**
 * `runs` plus `run`, oldest first (runSortKey), keeping the newest `historySize`. Appending is
 * idempotent: a run whose runId is already stored is skipped, as is one older than every run a
 * full history keeps.
 */
export function mergeRuns(
  runs: BaselineRun[],
  run: BaselineRun,
  historySize: number,
): { runs: BaselineRun[] } | { skip: string } {
  if (runs.some((r) => r.runId === run.runId)) return { skip: `run ${run.runId} is already stored` };
  const merged = [...runs, run]
    .map((r) => ({ r, k: runSortKey(r) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map(({ r }) => r);
  const kept = merged.slice(Math.max(0, merged.length - historySize));
  if (!kept.includes(run)) {
    return { skip: `run ${run.runId} is older than the ${historySize} newest runs kept` };
  }
  return { runs: kept };
}
