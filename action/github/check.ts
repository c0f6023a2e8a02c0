import type { GateOutcome } from '../../src/results/schema.js';
import { fitChars, fitUtf8 } from './limits.js';
import { type GitHubApi, httpStatus, isRateLimited } from './octokit.js';

/** Check-run output limits: GitHub counts the summary in UTF-8 bytes (a `·` is 2, an emoji 4). */
export const CHECK_SUMMARY_BYTES = 65_535;
const CHECK_TITLE_CHARS = 255;
const STATUS_DESCRIPTION_LIMIT = 140;

export type CheckConclusion = 'success' | 'failure' | 'neutral';

/** fail → failure (blocks a required check); neutral (inconclusive, no baseline) → neutral; pass → success. */
export function checkConclusion(conclusion: GateOutcome['conclusion']): CheckConclusion {
  return conclusion === 'fail' ? 'failure' : conclusion === 'neutral' ? 'neutral' : 'success';
}

export interface CheckRequest {
  owner: string;
  repo: string;
  sha: string;
  name: string;
  conclusion: CheckConclusion;
  title: string;
  /** Markdown; cut to the API's limit by the caller. */
  summary: string;
  detailsUrl?: string;
}

export interface CheckResult {
  kind: 'check-run' | 'commit-status';
  id?: number;
  url?: string;
}

/**
 * A completed check run on `sha`. Creating check runs needs a GitHub App token (GITHUB_TOKEN is
 * one) with `checks: write`; when it is refused with 403 (a personal access token, or checks
 * not granted) — a refusal, not a rate limit, which propagates after the throttling plugin's
 * retries — a commit status with the same name is set instead (`statuses: write`), so branch
 * protection can still require it. A neutral gate becomes a `success` status: statuses have no
 * neutral state, and an inconclusive result must not block a merge.
 */
export async function publishCheck(api: GitHubApi, request: CheckRequest): Promise<CheckResult> {
  const { owner, repo, sha } = request;
  try {
    const { data } = await api.request('POST /repos/{owner}/{repo}/check-runs', {
      owner,
      repo,
      name: request.name,
      head_sha: sha,
      status: 'completed',
      conclusion: request.conclusion,
      completed_at: new Date().toISOString(),
      ...(request.detailsUrl ? { details_url: request.detailsUrl } : {}),
      output: {
        title: fitChars(request.title, CHECK_TITLE_CHARS),
        summary: fitUtf8(request.summary, CHECK_SUMMARY_BYTES, request.detailsUrl),
      },
    });
    return { kind: 'check-run', id: Number(data.id), url: data.html_url ?? undefined };
  } catch (error) {
    if (httpStatus(error) !== 403 || isRateLimited(error)) throw error;
  }
  const description = fitChars(request.title, STATUS_DESCRIPTION_LIMIT);
  const { data } = await api.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
    owner,
    repo,
    sha,
    state: request.conclusion === 'failure' ? 'failure' : 'success',
    context: request.name,
    description,
    ...(request.detailsUrl ? { target_url: request.detailsUrl } : {}),
  });
  return { kind: 'commit-status', id: data.id, url: data.url };
}
