import { resolve } from 'node:path';
import { DataError, UsageError } from '../errors.js';
import { type Git, redactUrl, runGit } from './git-command.js';

/** The temporary clone of the data branch: where its remote is, and keeping it at the remote's tip. */

/** A clone of the data branch and what its error messages name. */
export interface DataBranchClone {
  dir: string;
  git: Git;
  branch: string;
  /** The store's description, prefixed to error messages. */
  description: string;
  /** The resolved remote (the `file` of DataErrors). */
  remoteUrl: string;
}

const MISSING_REF = /couldn't find remote ref|could not find remote ref|no such ref|not our ref/i;

function looksLikeRemoteName(remote: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(remote) && !remote.includes('.git');
}

/** A URL as is, a local path made absolute (git runs in the clone), a remote name looked up in `cwd`. */
export async function resolveRemoteUrl(
  remote: string,
  cwd: string,
  env: Record<string, string>,
): Promise<string> {
  if (!looksLikeRemoteName(remote)) {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(remote) && !/^[^/]+@[^/]+:/.test(remote)) {
      return resolve(cwd, remote);
    }
    return remote;
  }
  const result = await runGit(['-C', cwd, 'remote', 'get-url', '--', remote], { env });
  if (result.exitCode !== 0) {
    throw new UsageError(
      `git-branch store: "${remote}" is not a remote of the repository at ${cwd} ` +
        `(${result.stderr.trim() || 'git remote get-url failed'}); give a URL instead`,
    );
  }
  return result.stdout.trim();
}

/** An empty repository in the clone's directory whose `origin` is the remote. */
export async function initClone(clone: DataBranchClone): Promise<void> {
  await clone.git(['init', '--quiet']);
  await clone.git(['remote', 'add', 'origin', clone.remoteUrl]);
}

/** Fetch the branch tip and make the clone exactly that (or an empty unborn branch). */
export async function syncToRemote(clone: DataBranchClone): Promise<void> {
  const { git, branch } = clone;
  const fetch = await git(
    [
      'fetch',
      '--quiet',
      '--depth=1',
      '--no-tags',
      'origin',
      `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
    ],
    { allowFailure: true },
  );
  if (fetch.exitCode === 0) {
    await git(['checkout', '--quiet', '--force', '--detach', `refs/remotes/origin/${branch}`]);
  } else if (MISSING_REF.test(fetch.stderr)) {
    // No data branch yet: an empty, unborn branch; the first commit becomes the orphan root.
    await git(['symbolic-ref', 'HEAD', 'refs/heads/trt-gate-orphan']);
    await git(['update-ref', '-d', 'refs/heads/trt-gate-orphan'], { allowFailure: true });
    await git(['read-tree', '--empty']);
  } else {
    throw new DataError(
      `${clone.description}: cannot fetch: ${redactUrl(fetch.stderr.trim() || `git exited with ${fetch.exitCode}`)}`,
      clone.remoteUrl,
    );
  }
  await git(['clean', '-ffdxq']);
}
