import { DataError, UsageError } from '../src/errors.js';
import { branchOf, type GitHubContext } from './context.js';
import { errorMessage, type GitHubApi, type Logger } from './github/octokit.js';
import { findPullRequestForSha, getPullRequest, type PullRequestRef } from './github/pulls.js';

/** What this run reports on: the pull request (if any), the commit to check, the base branch. */
export interface ReportTarget {
  pullRequest: PullRequestRef | undefined;
  /** Commit the check run goes on: the PR head (never the merge commit), else GITHUB_SHA. */
  sha: string | undefined;
  /** Branch whose baselines a pull request is compared with. */
  baseBranch: string | undefined;
  /** Why the token cannot write to the pull request (a fork's pull_request event), if so. */
  readOnly: string | undefined;
  /**
   * The fork whose workflow run produced the results (the privileged half of the fork-safe
   * pattern), if so: it could have changed its own benchmark workflow, so its verdict is advisory.
   */
  untrustedSource?: string;
}

export const FORK_NOTICE =
  'this pull request comes from a fork, so the workflow token is read-only: the PR comment and ' +
  'check run are skipped. The report is in the job summary and the results directory. To comment ' +
  'on fork pull requests, use the workflow_run pattern (docs/github-action.md#fork-pull-requests).';

/**
 * Resolves the target from the event. For `workflow_run` (the privileged half of the fork-safe
 * pattern) the pull request is looked up through the API from the triggering run's head SHA:
 * nothing is taken from the untrusted run's artifacts.
 */
export async function resolveTarget(
  ctx: GitHubContext,
  api: GitHubApi | undefined,
  log: Logger,
): Promise<ReportTarget> {
  if (ctx.pullRequest) {
    const pr = ctx.pullRequest;
    const baseRepo = pr.base.repo.full_name;
    const headRepo = pr.head.repo?.full_name;
    const fork = headRepo === undefined || headRepo.toLowerCase() !== baseRepo.toLowerCase();
    return {
      pullRequest: {
        number: pr.number,
        headSha: pr.head.sha,
        baseRef: pr.base.ref,
        ...(pr.base.sha ? { baseSha: pr.base.sha } : {}),
        headRepo,
        baseRepo,
      },
      sha: pr.head.sha,
      baseBranch: pr.base.ref,
      readOnly: fork && ctx.eventName === 'pull_request' ? FORK_NOTICE : undefined,
    };
  }
  if (ctx.workflowRun) {
    const run = ctx.workflowRun;
    let pullRequest: PullRequestRef | undefined;
    if (api) {
      try {
        pullRequest = await findPullRequestForSha(
          api,
          ctx.owner,
          ctx.repo,
          run.head_sha,
          run.head_repository?.full_name,
        );
        if (!pullRequest)
          log.info(`no open pull request has head ${run.head_sha}; reporting on the commit only`);
      } catch (error) {
        // Reporting must not change the verdict: compare with the default branch, skip the comment.
        log.warning(
          `trt-gate: could not look up the pull request of ${run.head_sha} (${errorMessage(error)})`,
        );
      }
    } else {
      log.warning('workflow_run: no github-token, so the pull request cannot be looked up');
    }
    // Unknown head repository counts as a fork: fail closed.
    const headRepo = run.head_repository?.full_name;
    const fromFork =
      headRepo === undefined || headRepo.toLowerCase() !== `${ctx.owner}/${ctx.repo}`.toLowerCase();
    return {
      pullRequest,
      sha: run.head_sha,
      baseBranch: pullRequest?.baseRef ?? ctx.defaultBranch,
      readOnly: undefined,
      untrustedSource: fromFork ? (headRepo ?? 'an unknown repository') : undefined,
    };
  }
  if (ctx.issueComment?.issue.pull_request) {
    // A comment on a pull request (re-judging on an accept command): the PR as the API tells it
    // now, never the payload's word. Without it nothing can be judged: fail.
    const number = ctx.issueComment.issue.number;
    if (!api) throw new UsageError(`issue_comment on PR #${number}: a github-token is needed to read it`);
    let pullRequest: PullRequestRef;
    try {
      pullRequest = await getPullRequest(api, ctx.owner, ctx.repo, number);
    } catch (error) {
      throw new DataError(`could not read pull request #${number} (${errorMessage(error)})`);
    }
    const headRepo = pullRequest.headRepo;
    const fromFork =
      headRepo === undefined || headRepo.toLowerCase() !== `${ctx.owner}/${ctx.repo}`.toLowerCase();
    return {
      pullRequest,
      sha: pullRequest.headSha,
      baseBranch: pullRequest.baseRef,
      readOnly: undefined,
      // Its results were uploaded by the fork's own workflow run: its pairs are not trusted.
      untrustedSource: fromFork ? (headRepo ?? 'an unknown repository') : undefined,
    };
  }
  // Not a pull request (push, schedule, dispatch): baselines are recorded for the default branch,
  // so that is what a run elsewhere is compared with.
  return {
    pullRequest: undefined,
    sha: ctx.sha,
    baseBranch: ctx.defaultBranch ?? branchOf(ctx.ref),
    readOnly: undefined,
  };
}
