import {
  type AppliedIssues,
  formatMarker,
  ISSUE_LABELS,
  type IssueAction,
  type IssueTracker,
  parseMarker,
  type TrackedIssue,
} from '../../src/history/issues.js';
import { sameLogin } from './identity.js';
import type { GitHubApi } from './octokit.js';

/**
 * Regression issues of the nightly history on GitHub: reads the issues this Action opened before
 * (our label, our marker, our author: an issue someone else wrote is never touched) and applies a
 * plan from src/history/issues.ts.
 */

interface RepoRef {
  owner: string;
  repo: string;
}

interface ApiIssue {
  number: number;
  state: string;
  body?: string | null;
  user?: { login?: string | null } | null;
  pull_request?: unknown;
}

export async function listTrackedIssues(
  api: GitHubApi,
  ref: RepoRef,
  author: string,
): Promise<Array<TrackedIssue & { body: string }>> {
  const issues = (await api.paginate('GET /repos/{owner}/{repo}/issues', {
    ...ref,
    labels: ISSUE_LABELS[0],
    state: 'all',
    per_page: 100,
  })) as ApiIssue[];
  return issues.flatMap((issue) => {
    if (issue.pull_request || !sameLogin(issue.user?.login, author)) return [];
    const marker = parseMarker(issue.body);
    if (!marker) return [];
    return [
      {
        number: issue.number,
        state: issue.state === 'open' ? 'open' : 'closed',
        marker,
        body: issue.body ?? '',
      },
    ];
  });
}

export async function applyIssuePlan(
  api: GitHubApi,
  ref: RepoRef,
  plan: readonly IssueAction[],
  bodies: ReadonlyMap<number, string>,
): Promise<AppliedIssues> {
  const applied: AppliedIssues = { opened: [], commented: [], closed: [] };
  for (const action of plan) {
    if (action.kind === 'open') {
      const { data } = await api.request('POST /repos/{owner}/{repo}/issues', {
        ...ref,
        title: action.title,
        body: action.body,
        labels: action.labels,
      });
      applied.opened.push(Number(data.number));
      continue;
    }
    await api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...ref,
      issue_number: action.number,
      body: action.body,
    });
    if (action.kind === 'comment') {
      // The issue body's marker records how many runs confirmed the step, for the next night.
      const body = bodies.get(action.number) ?? '';
      const previous = parseMarker(body);
      const updated = previous ? body.replace(formatMarker(previous), formatMarker(action.marker)) : body;
      await api.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        ...ref,
        issue_number: action.number,
        body: updated,
      });
      applied.commented.push(action.number);
    } else {
      await api.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        ...ref,
        issue_number: action.number,
        state: 'closed',
        state_reason: 'completed',
      });
      applied.closed.push(action.number);
    }
  }
  return applied;
}

/** The {@link IssueTracker} of a repository, for issues authored by `author`. */
export function gitHubIssueTracker(api: GitHubApi, ref: RepoRef, author: string): IssueTracker {
  return {
    list: () => listTrackedIssues(api, ref, author),
    apply: (plan, bodies) => applyIssuePlan(api, ref, plan, bodies),
  };
}
