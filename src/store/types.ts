import type { BaselineKey, Entry, Results } from '../results/schema.js';

/**
 * Bump on incompatible changes to stored baseline files; older versions are read and migrated
 * (schema 1, one JSON file per key: file-format.ts; schema 2, one file per run: key-dir.ts).
 */
export const STORE_SCHEMA_VERSION = 2;

/** One past run of one key, as kept in the store. */
export interface BaselineRun {
  runId: string;
  createdAt: string;
  source: Results['source'];
  entry: Entry;
}

/** Everything stored for one key, oldest run first. */
export interface BaselineHistory {
  key: BaselineKey;
  runs: BaselineRun[];
}

export interface AppendOutcome {
  /** Keys appended to, and how many runs each holds now. */
  written: Array<{ key: BaselineKey; runs: number }>;
  /** Entries not stored (failed, unreliable), with why. */
  skipped: Array<{ entryId: string; reason: string }>;
}

/** What a read returns beside every run's entry and statistics. */
export interface ReadOptions {
  /**
   * Whether the runs that keep raw latency samples (the newest few) are read with them; default
   * true (what the gate pools). False reads every run without samples, which is all that history,
   * run noise and `baseline list` need, and far cheaper: a key's summary instead of its run files.
   */
  samples?: boolean;
}

/**
 * Where baselines live. Reading never writes; appending is the one explicit write and must be
 * atomic, safe against concurrent writers, and must refuse (not replace) a corrupt file.
 */
export interface BaselineStore {
  readonly description: string;
  read(key: BaselineKey, options?: ReadOptions): Promise<BaselineHistory | undefined>;
  /** Stored keys with the same model, precision and batch size but another device/runtime/options. */
  findSimilar(key: BaselineKey): Promise<BaselineKey[]>;
  append(results: Results, options: { historySize: number }): Promise<AppendOutcome>;
  list(): Promise<BaselineKey[]>;
  /** Releases what the store holds (a temporary clone); the store may be used again afterwards. */
  close(): Promise<void>;
}
