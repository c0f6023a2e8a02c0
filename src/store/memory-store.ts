import { BASELINE_RUNS } from '../gate/models/statistical.js';
import type { BaselineKey, Results } from '../results/schema.js';
import { assertHistorySize, mergeRuns, planAppend } from './append-plan.js';
import { compareKeys, isSimilarKey, keyId } from './key.js';
import { storedRun } from './run-file.js';
import type { AppendOutcome, BaselineHistory, BaselineStore, ReadOptions } from './types.js';

/**
 * A BaselineStore held in memory, for tests of other modules: the same skip, idempotency and
 * history-size semantics as FilesystemBaselineStore (it shares planAppend/mergeRuns/storedRun:
 * float32 samples, raw samples only for the newest BASELINE_RUNS runs), without files or
 * corruption. Values are deep-copied in and out, so callers cannot mutate it.
 */
export class InMemoryBaselineStore implements BaselineStore {
  readonly description = 'in-memory baseline store';
  private readonly histories = new Map<string, BaselineHistory>();

  constructor(initial: BaselineHistory[] = []) {
    for (const history of initial) this.histories.set(keyId(history.key), structuredClone(history));
  }

  async read(key: BaselineKey, options: ReadOptions = {}): Promise<BaselineHistory | undefined> {
    const history = this.histories.get(keyId(key));
    if (!history || options.samples !== false) return history && structuredClone(history);
    return {
      key: structuredClone(history.key),
      runs: history.runs.map((r) => structuredClone(storedRun(r, false))),
    };
  }

  async findSimilar(key: BaselineKey): Promise<BaselineKey[]> {
    return (await this.list()).filter((stored) => isSimilarKey(stored, key));
  }

  async list(): Promise<BaselineKey[]> {
    return [...this.histories.values()].map((h) => structuredClone(h.key)).sort(compareKeys);
  }

  async append(results: Results, options: { historySize: number }): Promise<AppendOutcome> {
    assertHistorySize(options.historySize);
    const { targets, skipped } = planAppend(results);
    const written: AppendOutcome['written'] = [];
    for (const target of targets) {
      const existing = this.histories.get(target.keyId);
      const merged = mergeRuns(existing?.runs ?? [], target.run, options.historySize);
      if ('skip' in merged) {
        skipped.push({ entryId: target.entryId, reason: merged.skip });
        continue;
      }
      // As the filesystem store keeps them: float32 samples, only the newest BASELINE_RUNS with samples.
      const windowStart = merged.runs.length - BASELINE_RUNS;
      const runs = merged.runs.map((r, i) => storedRun(r, i >= windowStart));
      this.histories.set(target.keyId, { key: structuredClone(target.key), runs });
      written.push({ key: structuredClone(target.key), runs: merged.runs.length });
    }
    return { written, skipped };
  }

  /** Nothing to release: every operation opens and closes its own files. */
  async close(): Promise<void> {}
}
