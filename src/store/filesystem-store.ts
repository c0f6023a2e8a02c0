import { isAbsolute, join, relative, resolve } from 'node:path';
import { DataError } from '../errors.js';
import type { BaselineKey, Results } from '../results/schema.js';
import { writeFileAtomically } from '../util/atomic-write.js';
import { type AppendTarget, assertHistorySize, mergeRuns, planAppend } from './append-plan.js';
import { serializeStoreFile } from './file-format.js';
import { compareKeys, isSimilarKey, keyFilePrefix, keyPath, slug } from './key.js';
import { checkKey, keyFileNames, readKeyFile, readKeyFiles, subdirectories } from './key-files.js';
import { type KeyLockOptions, lockKeyFile } from './key-lock.js';
import type { AppendOutcome, BaselineHistory, BaselineStore } from './types.js';

export interface FilesystemStoreOptions {
  /** Attempts to take a busy key's lock before giving up (default 60, backing off to 1 s: about a minute). */
  lockRetries?: number;
  /** A lock whose holder stopped refreshing it this long ago (crashed) is taken over (default 10 000 ms, min 2 000). */
  staleMs?: number;
  /** The namespace's directory under the root, `/`-separated slugs (see namespace.ts); none: the root itself. */
  namespace?: string;
}

interface PlannedWrite extends AppendTarget {
  path: string;
}

/**
 * Baselines as one JSON file per key under `root`:
 *
 *     <root>/<device-slug>/<model-slug>/<precision>-b<batch>-<keyId>.json
 *
 * (see key.ts; file format in file-format.ts). While a key is being appended to, a
 * `<file>.lock` directory sits beside it (proper-lockfile).
 *
 * There is no index file: findSimilar reads one directory per device (`<device>/<model-slug>/`)
 * and parses only files whose names start with `<precision>-b<batch>-`; list() walks the
 * two-level tree. An index would be a second source of truth needing its own lock, and would
 * drift from the files whenever one is added, deleted or merged by hand or by git; the tree
 * is small (devices × models × precisions × batch sizes), so scanning it is cheap.
 *
 * list() and findSimilar() refuse (DataError) a corrupt file or a file stored at another key's
 * path rather than skip it: silently ignored baselines would turn into "no-baseline" verdicts.
 */
export class FilesystemBaselineStore implements BaselineStore {
  /** The store's root directory. */
  readonly root: string;
  /** The namespace's directory: every key of this store lives under it. */
  readonly dir: string;
  readonly description: string;
  private readonly lockOptions: KeyLockOptions;

  constructor(root: string, options: FilesystemStoreOptions = {}) {
    this.root = resolve(root);
    this.dir = options.namespace ? join(this.root, ...options.namespace.split('/')) : this.root;
    this.description = `filesystem store at ${this.dir}`;
    this.lockOptions = { retries: options.lockRetries ?? 60, staleMs: options.staleMs ?? 10_000 };
  }

  /** Absolute path of a key's file; always inside `root` whatever the key's names are. */
  pathFor(key: BaselineKey): string {
    const path = join(this.dir, ...keyPath(key).split('/'));
    const rel = relative(this.dir, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      // Unreachable: every segment of keyPath is a slug. Kept as a guard against future edits.
      throw new DataError(`refusing to use ${path}: outside the store at ${this.root}`, path);
    }
    return path;
  }

  /** Never writes and never creates anything; a missing root or key file is `undefined`. */
  async read(key: BaselineKey): Promise<BaselineHistory | undefined> {
    const path = this.pathFor(key);
    const file = await readKeyFile(path);
    if (!file) return undefined;
    checkKey(file, key, path);
    return { key: file.key, runs: file.runs };
  }

  async findSimilar(key: BaselineKey): Promise<BaselineKey[]> {
    const prefix = keyFilePrefix(key);
    const found: BaselineKey[] = [];
    for (const device of await subdirectories(this.dir)) {
      const dir = join(this.dir, device, slug(key.model));
      for (const name of await keyFileNames(dir)) {
        if (!name.startsWith(prefix)) continue;
        const stored = await this.readListedKey(join(dir, name));
        if (isSimilarKey(stored, key)) found.push(stored);
      }
    }
    return found.sort(compareKeys);
  }

  async list(): Promise<BaselineKey[]> {
    const keys: BaselineKey[] = [];
    for (const device of await subdirectories(this.dir)) {
      for (const model of await subdirectories(join(this.dir, device))) {
        const dir = join(this.dir, device, model);
        for (const name of await keyFileNames(dir)) keys.push(await this.readListedKey(join(dir, name)));
      }
    }
    return keys.sort(compareKeys);
  }

  /**
   * Appends one run per stored entry (status ok, not unreliable), all or nothing as far as the
   * filesystem allows:
   *  1. read and validate every target file without locking or creating anything; a corrupt file
   *     (or one of a newer schema) fails the whole append before anything is touched;
   *  2. lock every target file (sorted by path, so concurrent appenders cannot deadlock), then
   *     re-read and re-validate each under its lock (another writer may have changed it);
   *  3. write each file atomically (temp file + rename), then unlock.
   * A failure in 1 or 2 writes nothing (2 may leave empty directories behind). Only an I/O failure
   * during 3 (disk full) can leave some keys appended and others not; each file is still whole.
   */
  async append(results: Results, options: { historySize: number }): Promise<AppendOutcome> {
    assertHistorySize(options.historySize);
    const { targets, skipped } = planAppend(results);
    const planned: PlannedWrite[] = targets
      .map((t) => ({ ...t, path: this.pathFor(t.key) }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (planned.length === 0) return { written: [], skipped };

    await readKeyFiles(planned); // 1: fail early, touching nothing

    const releases: Array<() => Promise<void>> = [];
    let compromised: Error | undefined;
    try {
      for (const target of planned) {
        releases.push(await lockKeyFile(target.path, this.lockOptions, (error) => (compromised ??= error)));
      }
      const existing = await readKeyFiles(planned); // 2: the truth, under the locks

      const written: AppendOutcome['written'] = [];
      const writes: Array<{ path: string; text: string }> = [];
      planned.forEach((target, i) => {
        const merged = mergeRuns(existing[i]?.runs ?? [], target.run, options.historySize);
        if ('skip' in merged) {
          skipped.push({ entryId: target.entryId, reason: merged.skip });
          return;
        }
        writes.push({ path: target.path, text: serializeStoreFile({ key: target.key, runs: merged.runs }) });
        written.push({ key: target.key, runs: merged.runs.length });
      });

      for (const { path, text } of writes) {
        if (compromised) {
          throw new DataError(
            `${path}: lost the lock while appending (${compromised.message}); not written`,
            path,
          );
        }
        try {
          await writeFileAtomically(path, text);
        } catch (error) {
          throw new DataError(`${path}: cannot write baseline file: ${(error as Error).message}`, path);
        }
      }
      return { written, skipped };
    } finally {
      for (const release of releases.reverse()) {
        await release().catch(() => {}); // a compromised lock can fail to release; nothing left to do
      }
    }
  }

  /** A listed file's key, checked to be stored where read() would look for it. */
  private async readListedKey(path: string): Promise<BaselineKey> {
    const file = await readKeyFile(path);
    if (!file) throw new DataError(`${path}: disappeared while listing the store`, path);
    const expected = this.pathFor(file.key);
    if (expected !== path) {
      throw new DataError(
        `${path}: holds the key that belongs at ${expected}; was it moved or renamed?`,
        path,
      );
    }
    return file.key;
  }

  /** Nothing to release: every operation opens and closes its own files. */
  async close(): Promise<void> {}
}
