import { UsageError } from '../src/errors.js';
import { parseAcceptCommands } from '../src/gate/accept.js';
import type { Results } from '../src/results/schema.js';
import type { GitHubContext } from './context.js';
import { mayAccept, permissionOf } from './github/accept.js';
import type { GitHubApi } from './github/octokit.js';
import type { ActionInputs } from './inputs.js';
import { Input } from './names.js';
import type { ReportTarget } from './target.js';

/**
 * An `issue_comment` event re-judges a pull request's last results when a maintainer writes an
 * accept command, without benchmarking: the workflow (examples/workflows/trt-gate-accept.yml) runs
 * on the default branch, downloads the results the PR head's run uploaded, and passes them as
 * `results-files`. Anything else a comment could start is refused before anything is read: a
 * comment on an issue, a comment without an accept command, or one from someone without write
 * access (a fork author, a bot) does nothing at all.
 *
 * Returns why nothing is to be done (the step then succeeds, saying so), or undefined to go on.
 */
export async function commentTrigger(
  ctx: GitHubContext,
  inputs: ActionInputs,
  api: GitHubApi | undefined,
): Promise<string | undefined> {
  const event = ctx.issueComment;
  if (!event) return undefined;
  const number = event.issue.number;
  if (!event.issue.pull_request) return `comment on issue #${number}, not a pull request`;
  if (parseAcceptCommands(event.comment.body ?? '').length === 0) {
    return `the comment on PR #${number} has no /trt-gate accept command`;
  }
  const login = event.comment.user?.login;
  if (!login || event.comment.user?.type === 'Bot') {
    return `the comment on PR #${number} is not from a person with write access`;
  }
  if (inputs.mode !== 'pr' && inputs.mode !== 'aggregate') {
    throw new UsageError(
      `input ${Input.mode}: an issue_comment event re-judges a pull request (mode pr or aggregate), not mode ${inputs.mode}`,
    );
  }
  if (inputs.resultsFiles.length === 0) {
    throw new UsageError(
      `input ${Input.resultsFiles}: an issue_comment event never runs the benchmark; give the results the ` +
        "PR head's run uploaded (examples/workflows/trt-gate-accept.yml)",
    );
  }
  if (!api) throw new UsageError(`issue_comment: a ${Input.githubToken} is needed to read who commented`);
  const role = await permissionOf(api, ctx.owner, ctx.repo, login);
  if (!mayAccept(role)) {
    return `${login} has ${role} access to the repository; only a comment from someone with write access re-judges PR #${number}`;
  }
  return undefined;
}

/**
 * On an `issue_comment` re-judge, the results must be those of the PR head the check goes on:
 * results of an older head would put a verdict about other code on it. Throws naming them.
 */
export function assertResultsOfHead(ctx: GitHubContext, target: ReportTarget, compared: readonly Results[]) {
  if (!ctx.issueComment) return;
  const head = target.sha;
  const other = compared.filter((r) => !head || r.source?.sha !== head);
  if (other.length === 0) return;
  const shas = [...new Set(other.map((r) => r.source?.sha?.slice(0, 12) ?? 'an unknown commit'))];
  throw new UsageError(
    `issue_comment: the results are of ${shas.join(', ')}, but the head of PR #${target.pullRequest?.number} ` +
      `is ${head?.slice(0, 12) ?? 'unknown'}; nothing re-judged (the benchmark of the new head judges it)`,
  );
}
