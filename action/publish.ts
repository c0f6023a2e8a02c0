import { escapeMarkdown } from '../src/report/escape.js';
import { reportPointer, truncateMarkdown } from '../src/report/render.js';
import type { Results } from '../src/results/schema.js';
import type { GitHubContext } from './context.js';
import { checkConclusion, publishCheck } from './github/check.js';
import { COMMENT_LIMIT, upsertStickyComment } from './github/comment.js';
import { resolveCommentAuthor } from './github/identity.js';
import { fitChars } from './github/limits.js';
import { errorMessage, type GitHubApi, httpStatus, type Logger } from './github/octokit.js';
import type { ActionInputs } from './inputs.js';
import type { ModeOutcome } from './modes.js';
import type { CommentMode, ForkResults } from './names.js';
import type { Reports } from './report.js';
import type { ReportTarget } from './target.js';

/** What happens to the sticky comment: create-or-update, update an existing one only, or nothing. */
export type CommentDecision = 'upsert' | 'update-only' | 'skip';

/**
 * `always`: create or update. `on-change`: create only when some entry is not `unchanged`
 * (a regression, improvement, failure, missing baseline…); an existing comment is still updated,
 * so it never shows stale numbers. `never`: nothing.
 */
export function commentDecision(mode: CommentMode, compared: readonly Results[]): CommentDecision {
  if (mode === 'never') return 'skip';
  if (mode === 'always') return 'upsert';
  const changed = compared.some((r) => (r.comparisons ?? []).some((c) => c.verdict !== 'unchanged'));
  return changed ? 'upsert' : 'update-only';
}

export interface PublishRequest {
  api: GitHubApi | undefined;
  inputs: ActionInputs;
  ctx: GitHubContext;
  target: ReportTarget;
  outcome: ModeOutcome;
  reports: Reports;
  marker: string;
  log: Logger;
}

export interface PublishResult {
  comment?: { action: string; id?: number; url?: string };
  check?: { kind: string; id?: number };
  /** Why the comment or check was skipped, for the summary. */
  skipped: string[];
  /** The check that should have been posted and could not be (after the client's retries). */
  checkFailure?: CheckFailure;
}

export interface CheckFailure {
  name: string;
  sha: string;
  /** The API's HTTP status, when it answered. */
  status?: number;
  message: string;
}

/** One sentence naming the check, the commit and the API's answer; untrusted parts are plain text. */
export function checkFailureText(f: CheckFailure): string {
  return (
    `the check "${f.name}" could not be posted on ${f.sha} (${f.status ? `HTTP ${f.status}` : 'no HTTP answer'}: ` +
    `${f.message}), so the gate's verdict is not recorded on the commit: this step fails instead`
  );
}

/**
 * Posts the check, then the comment. Never throws. A check that cannot be posted fails closed:
 * it is returned as `checkFailure` (the caller fails the step) and the comment says so, since a
 * required check left pending, or an optional one missing, must not read as a pass. A comment
 * that cannot be posted is a warning: the check carries the verdict.
 */
export async function publishToGitHub(p: PublishRequest): Promise<PublishResult> {
  const result: PublishResult = { skipped: [] };
  const { inputs, target, outcome, ctx, log } = p;
  if (!outcome.publishesToPullRequest) return result;
  if (target.readOnly) {
    log.notice(`trt-gate: ${target.readOnly}`);
    result.skipped.push(target.readOnly);
    return result;
  }
  if (!p.api) {
    const why = 'no github-token: the PR comment and check run are skipped';
    log.notice(`trt-gate: ${why}`);
    result.skipped.push(why);
    return result;
  }
  const api = p.api;
  const advisory = target.untrustedSource
    ? forkAdvisory(target.untrustedSource, inputs.forkResults)
    : undefined;
  if (advisory) log.notice(`trt-gate: ${advisory.text}`);

  if (inputs.check && target.sha) {
    try {
      const check = await publishCheck(api, {
        owner: ctx.owner,
        repo: ctx.repo,
        sha: target.sha,
        name: inputs.checkName,
        conclusion: advisory?.blocks ? 'failure' : checkConclusion(outcome.gate.conclusion),
        title: advisory ? `${advisory.title}: ${p.reports.headline}` : p.reports.headline,
        summary: advisory ? `${advisory.markdown}\n\n${p.reports.checkSummary}` : p.reports.checkSummary,
        detailsUrl: ctx.runUrl,
      });
      log.info(
        `${check.kind === 'check-run' ? 'check run' : 'commit status'} "${inputs.checkName}" set on ${target.sha}`,
      );
      result.check = check;
    } catch (error) {
      result.checkFailure = {
        name: inputs.checkName,
        sha: target.sha,
        status: httpStatus(error),
        message: fitChars((error as Error)?.message ?? String(error), 300),
      };
    }
  }
  const decision = commentDecision(inputs.comment, outcome.compared);
  if (decision !== 'skip' && target.pullRequest) {
    try {
      const author = await resolveCommentAuthor(api, inputs.commentAuthor);
      const comment = await upsertStickyComment(api, {
        owner: ctx.owner,
        repo: ctx.repo,
        issueNumber: target.pullRequest.number,
        marker: p.marker,
        author,
        body: withNotes(
          p.reports.comment,
          p.marker,
          [
            advisory?.markdown,
            result.checkFailure &&
              `> [!CAUTION]\n> ${escapeMarkdown(capitalize(checkFailureText(result.checkFailure)))}.`,
          ],
          reportPointer(ctx.runUrl),
        ),
        // The comment is then the one place on the pull request that says why the check is missing.
        create: decision === 'upsert' || result.checkFailure !== undefined,
      });
      if (comment.foreign > 0) {
        log.info(`ignored ${comment.foreign} comment(s) with the trt-gate marker not written by ${author}`);
      }
      log.info(
        `PR #${target.pullRequest.number} comment: ${comment.action}${comment.url ? ` (${comment.url})` : ''}`,
      );
      result.comment = comment;
    } catch (error) {
      log.warning(
        `trt-gate: could not comment on PR #${target.pullRequest.number} (${errorMessage(error)}); the verdict is unaffected`,
      );
    }
  } else if (decision !== 'skip') {
    log.info('no pull request for this event: no comment');
  }

  return result;
}

/**
 * The notice on a verdict computed from a fork's results. The fork's name is escaped: it reaches
 * Markdown. `require-trusted` keeps the check from going green until a trusted run replaces it.
 */
export function forkAdvisory(source: string, mode: ForkResults) {
  const text =
    `these results come from a workflow run of ${source}, which a fork can change in its own pull request: ` +
    (mode === 'require-trusted'
      ? 'the check stays red until a maintainer re-runs the benchmark on a trusted runner (fork-results: require-trusted).'
      : 'the verdict is advisory.');
  return {
    text,
    title: mode === 'require-trusted' ? 'Fork results: a trusted run is required' : 'Advisory (fork results)',
    markdown: `> [!WARNING]\n> ${escapeMarkdown(text.charAt(0).toUpperCase() + text.slice(1))}`,
    blocks: mode === 'require-trusted',
  };
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The comment with notes (Markdown blocks) put first, after the marker line that identifies it. */
function withNotes(
  comment: string,
  marker: string,
  notes: ReadonlyArray<string | undefined>,
  pointer: string,
): string {
  const blocks = notes.filter((n): n is string => Boolean(n));
  if (blocks.length === 0) return comment;
  const rest = comment.startsWith(marker) ? comment.slice(marker.length).replace(/^\n/, '') : comment;
  return truncateMarkdown(`${marker}\n${blocks.join('\n\n')}\n\n${rest}`, COMMENT_LIMIT - 1, pointer);
}
