import type { GitHubApi } from './octokit.js';

export interface PullRequestRef {
  number: number;
  headSha: string;
  baseRef: string;
  /** The base branch's commit when the event or the API named it. */
  baseSha?: string;
  headRepo: string | undefined;
  baseRepo: string;
}

interface ApiPull {
  number: number;
  state?: string;
  head: { sha: string; repo?: { full_name: string } | null };
  base: { ref: string; sha?: string; repo: { full_name: string } };
}

function toRef(pull: ApiPull): PullRequestRef {
  return {
    number: pull.number,
    headSha: pull.head.sha,
    baseRef: pull.base.ref,
    ...(pull.base.sha ? { baseSha: pull.base.sha } : {}),
    headRepo: pull.head.repo?.full_name,
    baseRepo: pull.base.repo.full_name,
  };
}

/**
 * The open pull request of this repository whose head is `sha` (for `workflow_run`, where the
 * triggering run's data cannot be trusted and `workflow_run.pull_requests` is empty for forks).
 * Asks the API, never the artifact: first the commit's associated pulls, then every open pull
 * request (all pages). A PR whose head has moved on since is not matched. Where several match,
 * the one from `headRepo` wins, then the lowest number.
 */
export async function findPullRequestForSha(
  api: GitHubApi,
  owner: string,
  repo: string,
  sha: string,
  headRepo?: string,
): Promise<PullRequestRef | undefined> {
  const pick = (pulls: ApiPull[]) => {
    const open = pulls.filter((p) => (p.state ?? 'open') === 'open' && p.head.sha === sha);
    open.sort(
      (a, b) =>
        Number(b.head.repo?.full_name === headRepo) - Number(a.head.repo?.full_name === headRepo) ||
        a.number - b.number,
    );
    return open[0] ? toRef(open[0]) : undefined;
  };
  try {
    const { data } = await api.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
      owner,
      repo,
      commit_sha: sha,
      per_page: 100,
    });
    const found = pick(data as ApiPull[]);
    if (found) return found;
  } catch {
    // A commit only in a fork can be unknown to this endpoint: fall back to the open pulls.
  }
  const pulls = (await api.paginate('GET /repos/{owner}/{repo}/pulls', {
    owner,
    repo,
    state: 'open',
    per_page: 100,
  })) as ApiPull[];
  return pick(pulls);
}

/** Pull request `number` of this repository, as the API tells it now (head, base, head repository). */
export async function getPullRequest(
  api: GitHubApi,
  owner: string,
  repo: string,
  number: number,
): Promise<PullRequestRef> {
  const { data } = await api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner,
    repo,
    pull_number: number,
  });
  return toRef(data as ApiPull);
}
