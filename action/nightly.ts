import { resolve } from 'node:path';
import { type NightlyOutcome, nightlyHistory } from '../src/app/history.js';
import { directoryPublisher, type SitePublisher, writeDashboard } from '../src/dashboard/site.js';
import { escapeMarkdown } from '../src/report/escape.js';
import { formatDeltaPct } from '../src/report/format.js';
import type { BaselineKey } from '../src/results/schema.js';
import { GitBranchBaselineStore, normaliseStorePath } from '../src/store/git-branch-store.js';
import type { BaselineStore } from '../src/store/types.js';
import type { GitHubContext } from './context.js';
import { resolveCommentAuthor } from './github/identity.js';
import { gitHubIssueTracker } from './github/issues.js';
import type { GitHubApi, Logger } from './github/octokit.js';
import type { ActionInputs } from './inputs.js';
import { Input } from './names.js';

/**
 * The baseline mode's nightly step, after the append: change points of the written keys' series,
 * their regression issues (input nightly-issues), the dashboard (input publish-dashboard). Each
 * part that was asked for and could not be done is a problem that fails the step, named: a
 * nightly that silently opened no issue would look like a quiet night.
 */

export interface NightlyStep {
  inputs: ActionInputs;
  ctx: GitHubContext;
  api?: GitHubApi | undefined;
  log: Logger;
}

/** Whether regression issues are managed: `auto` means on `schedule` events (the nightly). */
export function issuesWanted(inputs: ActionInputs, eventName: string): boolean {
  return inputs.nightlyIssues === 'true' || (inputs.nightlyIssues === 'auto' && eventName === 'schedule');
}

/** The dashboard's destination: the data branch's directory, or the workspace's for a filesystem store. */
function sitePublisher(store: BaselineStore, dir: string, ctx: GitHubContext): SitePublisher {
  if (store instanceof GitBranchBaselineStore) {
    const where = normaliseStorePath(dir);
    return {
      publish: async (files) => {
        await store.publishDirectory(
          where,
          async (target) => {
            await writeDashboard(target, files);
          },
          `trt-gate: publish the dashboard (${files.size - 1} series)`,
        );
        return `${where}/ on branch ${store.branch}`;
      },
    };
  }
  return directoryPublisher(resolve(ctx.workspace, dir));
}

export async function runNightly(
  step: NightlyStep,
  store: BaselineStore,
  written: readonly BaselineKey[],
): Promise<{ outcome?: NightlyOutcome; problems: string[] }> {
  const { inputs, ctx, api, log } = step;
  let issues = issuesWanted(inputs, ctx.eventName);
  if (issues && !api) {
    log.warning(`trt-gate: ${Input.nightlyIssues}: no github-token, so no regression issues are managed`);
    issues = false;
  }
  const dashboard = inputs.publishDashboard;
  if (!issues && dashboard === undefined) return { problems: [] };
  try {
    const tracker = issues
      ? gitHubIssueTracker(
          api!,
          { owner: ctx.owner, repo: ctx.repo },
          await resolveCommentAuthor(api!, inputs.commentAuthor),
        )
      : undefined;
    const outcome = await nightlyHistory(store, {
      written,
      ...(tracker ? { issues: tracker } : {}),
      ...(dashboard !== undefined ? { dashboard: sitePublisher(store, dashboard, ctx) } : {}),
    });
    for (const line of nightlyNotes(outcome)) log.info(line);
    return { outcome, problems: [] };
  } catch (error) {
    const what = [issues && 'manage regression issues', dashboard !== undefined && 'publish the dashboard']
      .filter(Boolean)
      .join(' or ');
    const message = `nightly history: could not ${what}: ${(error as Error).message}`;
    log.warning(`trt-gate: ${message}`);
    return { problems: [message] };
  }
}

const issueList = (numbers: readonly number[]) => numbers.map((n) => `#${n}`).join(', ');

/** What the nightly step did, for the report and the log (Markdown). */
export function nightlyNotes(outcome: NightlyOutcome): string[] {
  const steps = outcome.regressions;
  const lines = [
    `**History:** ${outcome.series} series analysed; ${
      steps.length === 0
        ? 'no lasting regression step'
        : `${steps.length} lasting regression step${steps.length === 1 ? '' : 's'}: ${steps
            .slice(0, 10)
            .map(
              (s) =>
                `${escapeMarkdown(s.series)} ${escapeMarkdown(s.metric)} ${formatDeltaPct(s.deltaPct)} from run ${s.atRun}`,
            )
            .join('; ')}${steps.length > 10 ? ` and ${steps.length - 10} more` : ''}`
    }.`,
  ];
  const i = outcome.issues;
  if (i) {
    const parts = [
      i.opened.length > 0 && `opened ${issueList(i.opened)}`,
      i.commented.length > 0 && `commented on ${issueList(i.commented)}`,
      i.closed.length > 0 && `closed ${issueList(i.closed)} (recovered)`,
    ].filter(Boolean);
    lines.push(`**Regression issues:** ${parts.length > 0 ? parts.join('; ') : 'nothing to change'}.`);
  }
  if (outcome.dashboard) lines.push(`**Dashboard:** published to ${escapeMarkdown(outcome.dashboard)}.`);
  return lines;
}
