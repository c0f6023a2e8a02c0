import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, posix, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { DataError, UsageError } from '../errors.js';
import type { BaselineKey, Results } from '../results/schema.js';
import { FilesystemBaselineStore } from './filesystem-store.js';
import type { StoreFactoryContext } from './registry.js';
import type { AppendOutcome, BaselineHistory, BaselineStore } from './types.js';

export const DEFAULT_DATA_BRANCH = 'trt-gate-data';

/** Who commits to the data branch (GitHub shows these as the github-actions bot). */
export const DEFAULT_COMMITTER = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
} as const;

export interface GitBranchStoreOptions {
  /**
   * The git remote: a URL (`https://…`, `ssh://…`, `file://…`, `git@host:path`) or a local path
   * (a bare repository, as in tests), or the name of a remote of the repository at `cwd`
   * (e.g. `origin`), resolved with `git remote get-url` when the store is first used.
   */
  remote: string;
  /** The data branch (default `trt-gate-data`); created as an orphan branch by the first append. */
  branch?: string;
  /** Directory inside the branch that holds the baseline files (default `baselines`). */
  path?: string;
  /** Repository a remote *name* is resolved in, and whose `http.*.extraheader` auth is reused. */
  cwd?: string;
  /**
   * `http.<url>.extraheader` values for git, e.g. `AUTHORIZATION: basic …` built from a token.
   * Passed through `GIT_CONFIG_*` environment variables, never on the command line (argv is
   * visible to other users of a self-hosted runner).
   */
  extraHeaders?: Record<string, string>;
  /**
   * Also use the `http.*.extraheader` credentials of the repository at this path (actions/checkout
   * leaves its token there), read when the store is first used. Explicit `extraHeaders` win.
   */
  inheritAuthFrom?: string;
  /** Parent directory of the temporary clone (default `$RUNNER_TEMP` or the OS temp dir). */
  tempRoot?: string;
  /** Push attempts before giving up when the branch moved under us (default 8). */
  maxAttempts?: number;
  /** First retry delay in ms; doubles each attempt up to 5 s, plus up to 100 % jitter (default 200). */
  backoffMs?: number;
  committer?: { name: string; email: string };
  /** Extra environment for git (tests). */
  env?: Record<string, string>;
}

interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Push rejections that mean "the branch moved since we fetched it": re-fetch, re-apply, push again. */
const RETRYABLE_PUSH =
  /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref|incorrect old value|stale info|reference already exists|but expected/i;
const MISSING_REF = /couldn't find remote ref|could not find remote ref|no such ref|not our ref/i;

/** Hide credentials embedded in a URL (`https://user:token@host/…`). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

/** A branch name git accepts and that cannot be mistaken for an option or a refspec. */
export function assertBranchName(branch: string): void {
  if (
    !/^[A-Za-z0-9._/-]{1,200}$/.test(branch) ||
    branch.startsWith('-') ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.lock') ||
    branch.includes('..') ||
    branch.includes('//') ||
    branch.split('/').some((part) => part.startsWith('.'))
  ) {
    throw new UsageError(`invalid data branch name ${JSON.stringify(branch)}`);
  }
}

/** A relative path inside the branch, with `/` separators, that cannot leave the clone. */
export function normaliseStorePath(path: string): string {
  const p = posix
    .normalize(path.replace(/\\/g, '/'))
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '');
  if (p === '' || p === '.' || isAbsolute(p) || p.startsWith('/') || p === '..' || p.startsWith('../')) {
    throw new UsageError(`store path ${JSON.stringify(path)} must be a relative directory inside the branch`);
  }
  if (p.split('/').some((part) => part === '.git')) {
    throw new UsageError(`store path ${JSON.stringify(path)} must not name .git`);
  }
  return p;
}

function looksLikeRemoteName(remote: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(remote) && !remote.includes('.git');
}

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
  private remoteUrl: string | undefined;
  private ready: Promise<void> | undefined;
  private fs: FilesystemBaselineStore | undefined;
  private exitHook: (() => void) | undefined;
  private extraHeaders: Record<string, string>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Pushes rejected because the branch moved, and re-applied (diagnostics, tests). */
  rejectedPushes = 0;

  constructor(options: GitBranchStoreOptions) {
    if (!options.remote) throw new UsageError('git-branch store: a remote is required');
    this.options = options;
    this.extraHeaders = { ...options.extraHeaders };
    this.branch = options.branch ?? DEFAULT_DATA_BRANCH;
    assertBranchName(this.branch);
    this.path = normaliseStorePath(options.path ?? 'baselines');
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 8);
    this.backoffMs = Math.max(0, options.backoffMs ?? 200);
    this.description = `git branch ${this.branch} of ${redactUrl(options.remote)} (${this.path}/)`;
  }

  /** The temporary clone (after first use), for diagnostics and tests. */
  get cloneDir(): string | undefined {
    return this.dir;
  }

  async read(key: BaselineKey): Promise<BaselineHistory | undefined> {
    return this.serial(async () => (await this.store()).read(key));
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
      await this.syncToRemote();
    });
  }

  async append(results: Results, options: { historySize: number }): Promise<AppendOutcome> {
    return this.serial(async () => {
      await this.open();
      try {
        return await this.appendWithRetries(results, options);
      } catch (error) {
        // Leave the clone as the remote has it: later reads must not see an unpushed append.
        await this.syncToRemote().catch(() => {});
        throw error;
      }
    });
  }

  private async appendWithRetries(
    results: Results,
    options: { historySize: number },
  ): Promise<AppendOutcome> {
    const store = this.fs!;
    let lastRejection = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      await this.syncToRemote();
      const outcome = await store.append(results, options); // DataError on a corrupt file: nothing pushed
      if (outcome.written.length === 0) return outcome;
      await this.git(['add', '--all', '--', this.path]);
      const status = await this.git(['status', '--porcelain', '--', this.path]);
      if (status.stdout.trim() === '') return outcome;
      await this.commit(results, outcome);
      const push = await this.git(['push', '--porcelain', 'origin', `HEAD:refs/heads/${this.branch}`], {
        allowFailure: true,
      });
      if (push.exitCode === 0) return outcome;
      const text = `${push.stdout}\n${push.stderr}`;
      if (!RETRYABLE_PUSH.test(text)) {
        throw new DataError(
          `${this.description}: git push failed (not retried):\n${redactUrl(text.trim())}`,
          this.remoteUrl,
        );
      }
      lastRejection = text.trim();
      this.rejectedPushes++;
      if (attempt < this.maxAttempts) await sleep(this.delay(attempt));
    }
    throw new DataError(
      `${this.description}: the branch kept moving; gave up after ${this.maxAttempts} push attempts ` +
        `(last rejection: ${redactUrl(lastRejection.split('\n').find((l) => l.includes('rejected')) ?? lastRejection)})`,
      this.remoteUrl,
    );
  }

  /** Removes the temporary clone. The store can be used again afterwards (it re-clones). */
  async close(): Promise<void> {
    await this.queue.catch(() => {});
    const dir = this.dir;
    this.dir = undefined;
    this.fs = undefined;
    this.ready = undefined;
    if (this.exitHook) process.off('exit', this.exitHook);
    this.exitHook = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  /** Backoff before attempt `attempt + 1`: base × 2^(attempt-1), capped at 5 s, plus 0–100 % jitter. */
  private delay(attempt: number): number {
    const base = Math.min(5000, this.backoffMs * 2 ** (attempt - 1));
    return Math.round(base * (1 + Math.random()));
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
    if (this.options.inheritAuthFrom) {
      this.extraHeaders = {
        ...(await inheritedExtraHeaders(this.options.inheritAuthFrom)),
        ...this.options.extraHeaders,
      };
    }
    this.remoteUrl = await this.resolveRemote();
    const root = this.options.tempRoot ?? process.env.RUNNER_TEMP ?? tmpdir();
    const dir = await mkdtemp(join(root, 'trt-gate-data-'));
    this.dir = dir;
    this.exitHook = () => rmSync(dir, { recursive: true, force: true });
    process.once('exit', this.exitHook);
    await this.git(['init', '--quiet']);
    await this.git(['remote', 'add', 'origin', this.remoteUrl]);
    this.fs = new FilesystemBaselineStore(join(dir, ...this.path.split('/')));
    await this.syncToRemote();
  }

  private async resolveRemote(): Promise<string> {
    const remote = this.options.remote;
    if (!looksLikeRemoteName(remote)) {
      // A local path: make it absolute, since git runs in the temporary clone.
      if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(remote) && !/^[^/]+@[^/]+:/.test(remote)) {
        return resolve(this.options.cwd ?? process.cwd(), remote);
      }
      return remote;
    }
    const cwd = this.options.cwd ?? process.cwd();
    const result = await execa('git', ['-C', cwd, 'remote', 'get-url', '--', remote], {
      reject: false,
      env: this.env(),
    });
    if (result.exitCode !== 0) {
      throw new UsageError(
        `git-branch store: "${remote}" is not a remote of the repository at ${cwd} ` +
          `(${String(result.stderr).trim() || 'git remote get-url failed'}); give a URL instead`,
      );
    }
    return String(result.stdout).trim();
  }

  /** Fetch the branch tip and make the clone exactly that (or an empty unborn branch). */
  private async syncToRemote(): Promise<void> {
    const fetch = await this.git(
      [
        'fetch',
        '--quiet',
        '--depth=1',
        '--no-tags',
        'origin',
        `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`,
      ],
      { allowFailure: true },
    );
    if (fetch.exitCode === 0) {
      await this.git(['checkout', '--quiet', '--force', '--detach', `refs/remotes/origin/${this.branch}`]);
    } else if (MISSING_REF.test(fetch.stderr)) {
      // No data branch yet: an empty, unborn branch; the first commit becomes the orphan root.
      await this.git(['symbolic-ref', 'HEAD', 'refs/heads/trt-gate-orphan']);
      await this.git(['update-ref', '-d', 'refs/heads/trt-gate-orphan'], { allowFailure: true });
      await this.git(['read-tree', '--empty']);
    } else {
      throw new DataError(
        `${this.description}: cannot fetch: ${redactUrl(fetch.stderr.trim() || `git exited with ${fetch.exitCode}`)}`,
        this.remoteUrl,
      );
    }
    await this.git(['clean', '-ffdxq']);
  }

  private async commit(results: Results, outcome: AppendOutcome): Promise<void> {
    const who = this.options.committer ?? DEFAULT_COMMITTER;
    const source = [results.source.ref, results.source.sha?.slice(0, 12)].filter(Boolean).join(' @ ');
    const lines = [
      `trt-gate: append run ${results.runId} (${outcome.written.length} key${outcome.written.length === 1 ? '' : 's'})`,
      '',
      ...(source ? [`Source: ${source}`] : []),
      `Device: ${results.environment.device.name}`,
    ];
    await this.git(
      [
        '-c',
        `user.name=${who.name}`,
        '-c',
        `user.email=${who.email}`,
        '-c',
        'commit.gpgsign=false',
        'commit',
        '--quiet',
        '--no-verify',
        '--file=-',
      ],
      { input: `${lines.join('\n')}\n` },
    );
  }

  private env(): Record<string, string> {
    const env: Record<string, string> = {
      GIT_TERMINAL_PROMPT: '0',
      GIT_ASKPASS: 'echo',
      LC_ALL: 'C',
      LANG: 'C',
      ...this.options.env,
    };
    const headers = Object.entries(this.extraHeaders);
    if (headers.length > 0) {
      env.GIT_CONFIG_COUNT = String(headers.length);
      headers.forEach(([url, value], i) => {
        env[`GIT_CONFIG_KEY_${i}`] = `http.${url}.extraheader`;
        env[`GIT_CONFIG_VALUE_${i}`] = value;
      });
    }
    return env;
  }

  private async git(
    args: string[],
    options: { allowFailure?: boolean; input?: string } = {},
  ): Promise<GitResult> {
    if (!this.dir) throw new Error('git-branch store used before it was opened');
    const result = await execa('git', args, {
      cwd: this.dir,
      env: this.env(),
      reject: false,
      input: options.input,
      stdin: options.input === undefined ? 'ignore' : undefined,
    });
    const out: GitResult = {
      exitCode: result.exitCode ?? -1,
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
    };
    if (out.exitCode !== 0 && !options.allowFailure) {
      throw new DataError(
        `${this.description}: git ${args.filter((a) => !a.startsWith('user.')).join(' ')} failed: ` +
          redactUrl(out.stderr.trim() || `exit ${out.exitCode}`),
        this.remoteUrl,
      );
    }
    return out;
  }
}

/** Reads `http.<url>.extraheader` entries of the repository at `cwd` (actions/checkout stores its token so). */
export async function inheritedExtraHeaders(cwd: string): Promise<Record<string, string>> {
  const result = await execa(
    'git',
    ['-C', cwd, 'config', '--local', '--get-regexp', '^http\\..*\\.extraheader$'],
    {
      reject: false,
    },
  );
  const headers: Record<string, string> = {};
  if (result.exitCode !== 0) return headers;
  for (const line of String(result.stdout).split('\n')) {
    const m = /^http\.(.+)\.extraheader (.+)$/i.exec(line.trim());
    if (m?.[1] && m[2]) headers[m[1]] = m[2];
  }
  return headers;
}

/**
 * `AUTHORIZATION` extra header for an HTTPS remote and a GitHub token (what actions/checkout
 * configures), keyed by the server URL: `{ 'https://github.com/': 'AUTHORIZATION: basic …' }`.
 */
export function tokenExtraHeader(serverUrl: string, token: string): Record<string, string> {
  const base = serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`;
  const basic = Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
  return { [base]: `AUTHORIZATION: basic ${basic}` };
}

/**
 * The `git-branch` entry for STORE_FACTORIES in registry.ts: the config's `remote` (default
 * `origin`) is resolved in the config file's directory, whose checkout credentials are reused.
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
    cwd,
    inheritAuthFrom: cwd,
  });
}
