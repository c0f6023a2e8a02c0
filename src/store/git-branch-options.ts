import { isAbsolute, posix } from 'node:path';
import { UsageError } from '../errors.js';

/** Options of the git-branch store, their defaults, and the checks on the names that reach git. */

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
  /** The namespace's directory under `path` (see namespace.ts); none: `path` itself. */
  namespace?: string;
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
