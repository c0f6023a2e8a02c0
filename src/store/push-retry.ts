import pRetry from 'p-retry';
import { DataError } from '../errors.js';
import type { Results } from '../results/schema.js';
import { type DataBranchClone, syncToRemote } from './data-branch.js';
import type { FilesystemBaselineStore } from './filesystem-store.js';
import { redactUrl } from './git-command.js';
import type { AppendOutcome } from './types.js';

/** Appending to the data branch as optimistic concurrency over `git push` (see GitBranchBaselineStore). */

/** Push rejections that mean "the branch moved since we fetched it": re-fetch, re-apply, push again. */
const RETRYABLE_PUSH =
  /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref|incorrect old value|stale info|reference already exists|but expected/i;

export interface PushRetryOptions {
  /** Directory inside the branch that holds the baseline files. */
  path: string;
  maxAttempts: number;
  /** First retry delay in ms. */
  backoffMs: number;
  committer: { name: string; email: string };
  /** Called for each push rejected because the branch moved. */
  onRejectedPush: () => void;
}

/** A push refused because the branch moved: the one failure worth another attempt. */
class BranchMoved extends Error {}

/** What one attempt changed in the clone's worktree: the paths to commit and the commit message. */
export interface BranchChange<T> {
  result: T;
  /** Undefined: nothing to commit (nothing is pushed). */
  commit?: { paths: string[]; message: string };
}

async function commit(clone: DataBranchClone, message: string, who: { name: string; email: string }) {
  await clone.git(
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
    { input: `${message}\n` },
  );
}

/**
 * Sync to the remote tip, make the change (`change` writes into the clone's worktree), commit and
 * push, never forced; on a rejection because the branch moved, back off (exponential, 0–100 %
 * jitter, capped at 5 s) and start again from the new tip, making the change again. Any other
 * failure — a corrupt file, a refused push — is final. Appending baselines and publishing the
 * dashboard both go through here.
 */
export async function changeAndPush<T>(
  clone: DataBranchClone,
  change: () => Promise<BranchChange<T>>,
  retry: Omit<PushRetryOptions, 'path'>,
): Promise<T> {
  const { git, description, remoteUrl } = clone;
  const attempt = async (): Promise<T> => {
    await syncToRemote(clone);
    const { result, commit: wanted } = await change();
    if (!wanted) return result;
    await git(['add', '--all', '--', ...wanted.paths]);
    const status = await git(['status', '--porcelain', '--', ...wanted.paths]);
    if (status.stdout.trim() === '') return result;
    await commit(clone, wanted.message, retry.committer);
    const push = await git(['push', '--porcelain', 'origin', `HEAD:refs/heads/${clone.branch}`], {
      allowFailure: true,
    });
    if (push.exitCode === 0) return result;
    const text = `${push.stdout}\n${push.stderr}`.trim();
    if (!RETRYABLE_PUSH.test(text)) {
      throw new DataError(`${description}: git push failed (not retried):\n${redactUrl(text)}`, remoteUrl);
    }
    retry.onRejectedPush();
    throw new BranchMoved(text);
  };
  try {
    return await pRetry(attempt, {
      retries: retry.maxAttempts - 1,
      factor: 2,
      minTimeout: retry.backoffMs,
      maxTimeout: 5000,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof BranchMoved,
    });
  } catch (error) {
    if (!(error instanceof BranchMoved)) throw error;
    const rejected = error.message.split('\n').find((l) => l.includes('rejected')) ?? error.message;
    throw new DataError(
      `${description}: the branch kept moving; gave up after ${retry.maxAttempts} push attempts ` +
        `(last rejection: ${redactUrl(rejected)})`,
      remoteUrl,
    );
  }
}

function appendMessage(results: Results, outcome: AppendOutcome): string {
  const source = [results.source.ref, results.source.sha?.slice(0, 12)].filter(Boolean).join(' @ ');
  return [
    `trt-gate: append run ${results.runId} (${outcome.written.length} key${outcome.written.length === 1 ? '' : 's'})`,
    '',
    ...(source ? [`Source: ${source}`] : []),
    `Device: ${results.environment.device.name}`,
  ].join('\n');
}

/** Appends `results` through `store` (the clone's files) and pushes it (see {@link changeAndPush}). */
export function appendAndPush(
  clone: DataBranchClone,
  store: FilesystemBaselineStore,
  results: Results,
  options: { historySize: number },
  retry: PushRetryOptions,
): Promise<AppendOutcome> {
  return changeAndPush(
    clone,
    async () => {
      const outcome = await store.append(results, options); // DataError on a corrupt file: nothing pushed
      if (outcome.written.length === 0) return { result: outcome };
      return { result: outcome, commit: { paths: [retry.path], message: appendMessage(results, outcome) } };
    },
    retry,
  );
}
