import { unlink } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { DataError } from '../errors.js';
import { BASELINE_RUNS } from '../gate/models/statistical.js';
import type { BaselineKey, Results } from '../results/schema.js';
import { assertHistorySize, planAppend } from './append-plan.js';
import { compareKeys, isSimilarKey, keyFilePrefix, keyId, keyPath, slug } from './key.js';
import { appendToKeyDir, checkSameKey, KEY_FILE, readKeyDir, readKeyOf, runFileNames } from './key-dir.js';
import { readSchema1File } from './key-files.js';
import { DEFAULT_NAMESPACE, namespacePath } from './namespace.js';
import { hasSamples, storedRun } from './run-file.js';
import {
  assertNoLinks,
  isMissing,
  storeEntries,
  storeSubdirectories,
  wrongTypeError,
} from './store-files.js';
import type { AppendOutcome, BaselineHistory, BaselineRun, BaselineStore, ReadOptions } from './types.js';

export interface FilesystemStoreOptions {
  /** The namespace's directory under the root, `/`-separated slugs (see namespace.ts); none: the root itself. */
  namespace?: string;
}

/** Top-level directories of a store that hold namespaces, not the unnamespaced (schema 1) CLI layout. */
const NAMESPACE_ROOTS = new Set(['branches', 'production']);

/** A key's entry in a model directory: `<precision>-b<batch>-<keyId>` (schema 2) or `….json` (schema 1). */
const KEY_ENTRY = /^[a-z0-9._-]+-b(?:\d+|unknown)-[0-9a-f]{16}(?:\.json)?$/;

/** A schema-1 key file found for a key, and its runs. */
interface Schema1File {
  path: string;
  runs: BaselineRun[];
}

/**
 * Baselines under `root`, one namespace per store object (store schema 2):
 *
 *     <root>/<namespace>/<device-slug>/<model-slug>/<precision>-b<batch>-<keyId>/key.json
 *     <root>/<namespace>/<device-slug>/<model-slug>/<precision>-b<batch>-<keyId>/<ms>-<runId>-<hash>.run.gz
 *
 * Append-only, one compressed file per run (key-dir.ts, run-file.ts), no lock: concurrent writers
 * only ever add files. The newest BASELINE_RUNS runs (what the gate pools) keep their raw samples,
 * older ones their per-trial statistics.
 *
 * Schema-1 stores (one JSON file per key holding every run, `<…>-<keyId>.json` where schema 2 has
 * the directory) are read where they are and migrated key by key by the next append to the key,
 * then removed: nothing is orphaned. The CLI's schema-1 layout had no namespace
 * (`<root>/<device-slug>/…`): it is read as namespace `main` (DEFAULT_NAMESPACE), the CLI's default.
 *
 * No index: list() walks the tree, findSimilar() one model directory per device. Every read refuses
 * (DataError, exit 4) a corrupt file, a file at another key's path, a symbolic link and an entry of
 * the wrong type, rather than skip it: a silently ignored baseline would become `no-baseline`.
 */
export class FilesystemBaselineStore implements BaselineStore {
  /** The store's root directory. */
  readonly root: string;
  /** The namespace's directory: every key of this store lives under it. */
  readonly dir: string;
  readonly description: string;
  /** Where the unnamespaced schema-1 layout of this namespace may still be (namespace main only). */
  private readonly rootLayout: string | undefined;

  constructor(root: string, options: FilesystemStoreOptions = {}) {
    this.root = resolve(root);
    this.dir = options.namespace ? join(this.root, ...options.namespace.split('/')) : this.root;
    this.description = `filesystem store at ${this.dir}`;
    const isMain = options.namespace === namespacePath({ branch: DEFAULT_NAMESPACE });
    this.rootLayout = isMain ? this.root : undefined;
  }

  /** Absolute path of a key's directory; always inside the store whatever the key's names are. */
  pathFor(key: BaselineKey): string {
    return this.inside(this.dir, keyPath(key).replace(/\.json$/, ''));
  }

  private inside(base: string, rel: string): string {
    const path = join(base, ...rel.split('/'));
    const back = relative(base, path);
    if (back === '' || back.startsWith('..') || isAbsolute(back)) {
      // Unreachable: every segment of keyPath is a slug. Kept as a guard against future edits.
      throw new DataError(`refusing to use ${path}: outside the store at ${base}`, path);
    }
    return path;
  }

  /** Never writes and never creates anything; a key with no stored run is `undefined`. */
  async read(key: BaselineKey, options: ReadOptions = {}): Promise<BaselineHistory | undefined> {
    const samples = options.samples ?? true;
    const dir = this.pathFor(key);
    await assertNoLinks(this.root, dir);
    const legacy = (await this.readSchema1(key)).flatMap((f) => f.runs);
    // Pending a migration the sample window spans both schemas: read every run file whole then.
    const sampleRuns = !samples ? 0 : legacy.length > 0 ? Number.POSITIVE_INFINITY : BASELINE_RUNS;
    const runs = (await readKeyDir(dir, key, sampleRuns)) ?? [];
    const all = mergeByRunId(runs, legacy);
    if (all.length === 0) return undefined;
    // Schema-1 runs (and any a racing writer left uncompacted) as the store keeps them.
    const windowStart = samples ? all.length - BASELINE_RUNS : all.length;
    return {
      key,
      runs: all.map((r, i) => (i >= windowStart || !hasSamples(r) ? r : storedRun(r, false))),
    };
  }

  async findSimilar(key: BaselineKey): Promise<BaselineKey[]> {
    const keys = await this.keys(slug(key.model), keyFilePrefix(key));
    return keys.filter((k) => isSimilarKey(k, key)).sort(compareKeys);
  }

  async list(): Promise<BaselineKey[]> {
    return (await this.keys(undefined, '')).sort(compareKeys);
  }

  /**
   * Appends one run per stored entry (status ok, not unreliable). Every target is checked first —
   * links, types, its key file, its schema-1 file — so a corrupt store fails the whole append
   * before anything is written. Then, per key: the schema-1 runs (if any) and the new run are
   * written as run files, and the schema-1 file is removed.
   */
  async append(results: Results, options: { historySize: number }): Promise<AppendOutcome> {
    assertHistorySize(options.historySize);
    const { targets, skipped } = planAppend(results);
    if (targets.length === 0) return { written: [], skipped };
    const problems: DataError[] = [];
    const legacy = new Map<string, Schema1File[]>();
    for (const t of targets) {
      try {
        const dir = this.pathFor(t.key);
        await assertNoLinks(this.root, dir);
        const stored = await readKeyOf(dir);
        if (stored) checkSameKey(stored, t.key, join(dir, KEY_FILE));
        await runFileNames(dir);
        legacy.set(t.keyId, await this.readSchema1(t.key));
      } catch (error) {
        if (!(error instanceof DataError)) throw error;
        problems.push(error);
      }
    }
    if (problems.length === 1) throw problems[0]!;
    if (problems.length > 1) {
      throw new DataError(
        `${problems.length} baseline keys cannot be appended to; nothing was written:\n` +
          problems.map((p) => p.message).join('\n'),
        problems[0]!.file,
      );
    }
    const written: AppendOutcome['written'] = [];
    for (const t of targets) {
      const old = legacy.get(t.keyId) ?? [];
      const outcomes = await appendToKeyDir(this.pathFor(t.key), [...old.flatMap((f) => f.runs), t.run], {
        key: t.key,
        historySize: options.historySize,
        sampleRuns: BASELINE_RUNS,
      });
      for (const file of old) await removeMigrated(file.path);
      const outcome = outcomes.at(-1)!;
      if ('skip' in outcome) skipped.push({ entryId: t.entryId, reason: outcome.skip });
      else written.push({ key: t.key, runs: outcome.runs });
    }
    return { written, skipped };
  }

  /** Nothing to release: every operation opens and closes its own files. */
  async close(): Promise<void> {}

  /** Schema-1 files of `key` in this namespace (validated), with where they are. */
  private async readSchema1(key: BaselineKey): Promise<Schema1File[]> {
    const out: Schema1File[] = [];
    for (const base of this.rootLayout ? [this.dir, this.rootLayout] : [this.dir]) {
      const path = this.inside(base, keyPath(key));
      await assertNoLinks(this.root, path);
      const file = await readSchema1File(path, key);
      if (file) out.push({ path, runs: file.runs });
    }
    return out;
  }

  /**
   * Keys stored in this namespace (both schemas), from model directory `model` (all when
   * undefined) and entries whose names start with `prefix`; each key once.
   */
  private async keys(model: string | undefined, prefix: string): Promise<BaselineKey[]> {
    const keys = new Map<string, BaselineKey>();
    const bases = [{ base: this.dir, skip: new Set<string>(), schema2: true }];
    if (this.rootLayout) bases.push({ base: this.rootLayout, skip: NAMESPACE_ROOTS, schema2: false });
    for (const { base, skip, schema2 } of bases) {
      for (const device of await storeSubdirectories(base, skip)) {
        const models = model === undefined ? await storeSubdirectories(join(base, device)) : [model];
        for (const m of models) {
          const dir = join(base, device, m);
          for (const item of await storeEntries(dir)) {
            if (!item.name.startsWith(prefix)) continue;
            const key = await this.listedKey(join(dir, item.name), base, item.isDirectory(), schema2);
            if (key) keys.set(keyId(key), key);
          }
        }
      }
    }
    return [...keys.values()];
  }

  /** A listed key directory's (or schema-1 file's) key, checked to be where read() looks for it. */
  private async listedKey(
    path: string,
    base: string,
    isDir: boolean,
    schema2: boolean,
  ): Promise<BaselineKey | undefined> {
    const name = basename(path);
    if (!KEY_ENTRY.test(name)) return undefined; // not the store's (a README)
    if (name.endsWith('.json') === isDir)
      throw wrongTypeError(path, isDir ? 'a regular file' : 'a directory');
    if (isDir && !schema2) return undefined; // an unnamespaced schema-2 store's key: not this namespace's
    let key: BaselineKey | undefined;
    if (isDir) {
      key = await readKeyOf(path);
      if (!key && (await runFileNames(path)).length > 0) {
        throw new DataError(`${join(path, KEY_FILE)}: missing beside run files`, path);
      }
    } else {
      const file = await readSchema1File(path);
      if (!file) throw new DataError(`${path}: disappeared while listing the store`, path);
      key = file.key;
    }
    if (!key) return undefined;
    const expected = isDir ? this.pathFor(key) : this.inside(base, keyPath(key));
    if (expected !== path) {
      throw new DataError(
        `${path}: holds the key that belongs at ${expected}; was it moved or renamed?`,
        path,
      );
    }
    return key;
  }
}

/** Runs of both schemas as one history, oldest first, each run id once. */
function mergeByRunId(runs: BaselineRun[], legacy: BaselineRun[]): BaselineRun[] {
  if (legacy.length === 0) return runs;
  const seen = new Set(runs.map((r) => r.runId));
  const time = (r: BaselineRun) => {
    const t = Date.parse(r.createdAt);
    return Number.isNaN(t) ? 0 : Math.max(0, t);
  };
  const fresh = legacy.filter((r) => !seen.has(r.runId) && seen.add(r.runId)).map((r) => storedRun(r, true));
  return [...runs, ...fresh].sort((x, y) => time(x) - time(y));
}

async function removeMigrated(path: string): Promise<void> {
  await unlink(path).catch((error: unknown) => {
    if (!isMissing(error)) {
      throw new DataError(
        `${path}: migrated to store schema 2, but cannot remove: ${(error as Error).message}`,
        path,
      );
    }
  });
}
