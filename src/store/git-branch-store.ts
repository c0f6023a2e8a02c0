import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { BaselineKey, Results } from '../results/schema.js';
import { type DataBranchClone, initClone, resolveRemoteUrl, syncToRemote } from './data-branch.js';
import { FilesystemBaselineStore } from './filesystem-store.js';
import { extraHeaderEnv, inheritedExtraHeaders } from './git-auth.js';
import {
  assertBranchName,
  DEFAULT_COMMITTER,
  DEFAULT_DATA_BRANCH,
  type GitBranchStoreOptions,
  normaliseStorePath,
} from './git-branch-options.js';
import { gitEnv, gitIn, redactUrl } from './git-command.js';
import { namespacePath } from './namespace.js';
import { appendAndPush, changeAndPush } from './push-retry.js';
import type { StoreFactoryContext } from './registry.js';
import type { AppendOutcome, BaselineHistory, BaselineStore, ReadOptions } from './types.js';

export { inheritedExtraHeaders, tokenExtraHeader } from './git-auth.js';
export {
  assertBranchName,
  DEFAULT_COMMITTER,
  DEFAULT_DATA_BRANCH,
  type GitBranchStoreOptions,
  normaliseStorePath,
} from './git-branch-options.js';
export { redactUrl } from './git-command.js';

/**
 * Baselines on a dedicated branch of a git remote (default `trt-gate-data`), for CI runners that
 * keep nothing between jobs.
 *
 * The branch is fetched (depth 1) into a temporary clone; reads go through a
 * {@link FilesystemBaselineStore} over `<clone>/<path>`, so the file layout, validation and
 * corruption rules are exactly the filesystem store's. The clone is a snapshot taken at first use.
 *
 * append() is optimistic concurrency over `git push`:
 *  1. fetch the remote tip and reset the clone to it (or to an empty orphan tree if the branch
 *     does not exist yet);
 *  2. append through the filesystem store (a corrupt file fails here: nothing is committed);
 *  3. commit and push `HEAD:refs/heads/<branch>` — never forced;
 *  4. if the push is rejected because the branch moved (another job pushed first), wait
 *     (exponential backoff with jitter) and go back to 1: the append is RE-APPLIED on the new
 *     tip, so both jobs' runs land. Other failures (auth, protection rules) are not retried.
 * Appends are idempotent per runId (mergeRuns), so a retry after an ambiguous push failure cannot
 * store a run twice.
 */
export class GitBranchBaselineStore implements BaselineStore {
  readonly branch: string;
  readonly path: string;
  readonly description: string;
  private readonly options: GitBranchStoreOptions;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private dir: string | undefined;
  private clone: DataBranchClone | undefined;
  private ready: Promise<void> | undefined;
  private fs: FilesystemBaselineStore | undefined;
  private exitHook: (() => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Pushes rejected because the branch moved, and re-applied (diagnostics, tests). */
  rejectedPushes = 0;

  constructor(options: GitBranchStoreOptions) {
    if (!options.remote) throw new UsageError('git-branch store: a remote is required');
    this.options = options;
    this.branch = options.branch ?? DEFAULT_DATA_BRANCH;
    assertBranchName(this.branch);
    this.path = normaliseStorePath(options.path ?? 'baselines');
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 8);
    this.backoffMs = Math.max(0, options.backoffMs ?? 200);
    const where = options.namespace ? `${this.path}/${options.namespace}` : this.path;
    this.description = `git branch ${this.branch} of ${redactUrl(options.remote)} (${where}/)`;
  }

  /** The temporary clone (after first use), for diagnostics and tests. */
  get cloneDir(): string | undefined {
    return this.dir;
  }

  async read(key: BaselineKey, options?: ReadOptions): Promise<BaselineHistory | undefined> {
    return this.serial(async () => (await this.store()).read(key, options));
  }

  async findSimilar(key: BaselineKey): Promise<BaselineKey[]> {
    return this.serial(async () => (await this.store()).findSimilar(key));
  }

  async list(): Promise<BaselineKey[]> {
    return this.serial(async () => (await this.store()).list());
  }

  /** Re-fetch the branch, so later reads see what other jobs pushed since the first read. */
  async refresh(): Promise<void> {
    await this.serial(async () => {
      await this.open();
      await syncToRemote(this.clone!);
    });
  }

  async append(results: Results, options: { historySize: number }): Promise<AppendOutcome> {
    return this.serial(async () => {
      await this.open();
      const clone = this.clone!;
      try {
        return await appendAndPush(clone, this.fs!, results, options, {
          path: this.path,
          ...this.pushRetry(),
        });
      } catch (error) {
        // Leave the clone as the remote has it: later reads must not see an unpushed append.
        await syncToRemote(clone).catch(() => {});
        throw error;
      }
    });
  }

  /**
   * Replaces the directory `dir` of the data branch (relative to the branch root, outside the
   * baselines' directory) with what `write(absoluteDir)` puts there, committed and pushed like an
   * append: re-done on the new tip when the branch moved, never forced. For the dashboard (GitHub
   * Pages serves a branch's root or `docs/`).
   */
  async publishDirectory(
    dir: string,
    write: (target: string) => Promise<void>,
    message: string,
  ): Promise<void> {
    const where = normaliseStorePath(dir);
    const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
    if (overlaps(where, this.path)) {
      throw new UsageError(
        `cannot publish into ${where}/ of branch ${this.branch}: it overlaps the baselines' directory ${this.path}/`,
      );
    }
    return this.serial(async () => {
      await this.open();
      const clone = this.clone!;
      try {
        return await changeAndPush(
          clone,
          async () => {
            await write(join(clone.dir, ...where.split('/')));
            return { result: undefined, commit: { paths: [where], message } };
          },
          this.pushRetry(),
        );
      } catch (error) {
        await syncToRemote(clone).catch(() => {});
        throw error;
      }
    });
  }

  /** How pushes are retried when the branch moved (appends and published directories alike). */
  private pushRetry() {
    return {
      maxAttempts: this.maxAttempts,
      backoffMs: this.backoffMs,
      committer: this.options.committer ?? DEFAULT_COMMITTER,
      onRejectedPush: () => this.rejectedPushes++,
    };
  }

  /** Removes the temporary clone. The store can be used again afterwards (it re-clones). */
  async close(): Promise<void> {
    await this.queue.catch(() => {});
    const dir = this.dir;
    this.dir = undefined;
    this.clone = undefined;
    this.fs = undefined;
    this.ready = undefined;
    if (this.exitHook) process.off('exit', this.exitHook);
    this.exitHook = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  /** One operation on the clone at a time, so a read never sees a half-reset worktree. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }

  private async store(): Promise<FilesystemBaselineStore> {
    await this.open();
    return this.fs!;
  }

  private open(): Promise<void> {
    this.ready ??= this.init().catch((error) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async init(): Promise<void> {
    // Explicit extraHeaders win over those inherited from the checkout.
    const headers = this.options.inheritAuthFrom
      ? { ...(await inheritedExtraHeaders(this.options.inheritAuthFrom)), ...this.options.extraHeaders }
      : { ...this.options.extraHeaders };
    const env = gitEnv(this.options.env, extraHeaderEnv(headers));
    const remoteUrl = await resolveRemoteUrl(this.options.remote, this.options.cwd ?? process.cwd(), env);
    const root = this.options.tempRoot ?? process.env.RUNNER_TEMP ?? tmpdir();
    const dir = await mkdtemp(join(root, 'trt-gate-data-'));
    this.dir = dir;
    this.exitHook = () => rmSync(dir, { recursive: true, force: true });
    process.once('exit', this.exitHook);
    const { description, branch } = this;
    this.clone = { dir, branch, description, remoteUrl, git: gitIn(dir, env, { description, remoteUrl }) };
    await initClone(this.clone);
    this.fs = new FilesystemBaselineStore(join(dir, ...this.path.split('/')), {
      namespace: this.options.namespace,
    });
    await syncToRemote(this.clone);
  }
}

/**
 * The `git-branch` entry for STORE_FACTORIES in registry.ts: the config's `remote` (default
 * `origin`) is resolved in the config file's directory, whose checkout credentials are reused
 * unless the context brings its own (the Action's token). The namespace is a directory under `path`.
 */
export function createGitBranchStore(
  config: { type: 'git-branch'; branch: string; remote: string; path: string },
  context: StoreFactoryContext,
): GitBranchBaselineStore {
  const cwd = resolve(context.cwd, context.configDir);
  return new GitBranchBaselineStore({
    remote: config.remote,
    branch: config.branch,
    path: config.path,
    namespace: namespacePath(context.namespace),
    cwd,
    ...(context.extraHeaders ? { extraHeaders: context.extraHeaders } : { inheritAuthFrom: cwd }),
  });
}
