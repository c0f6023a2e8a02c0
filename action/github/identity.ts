import { type GitHubApi, httpStatus, isRateLimited } from './octokit.js';

/** Who a comment posted with the workflow's GITHUB_TOKEN is authored by. */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';

/**
 * The login the sticky comment is authored by, so that only our own comments are edited:
 *  1. the `comment-author` input, when given (GitHub App tokens: `<app-slug>[bot]`);
 *  2. else `GET /user`: the login behind a personal access token;
 *  3. else, when `GET /user` is refused (401/403/404, as it is for installation tokens such as
 *     GITHUB_TOKEN), `github-actions[bot]`, the author of everything GITHUB_TOKEN posts.
 * Other errors (network, 5xx after retries, a rate limit: a 403 that is not a refusal) propagate:
 * guessing could edit someone else's comment, or post a second one.
 */
export async function resolveCommentAuthor(api: GitHubApi, override?: string): Promise<string> {
  if (override) return override;
  try {
    const { data } = await api.request('GET /user');
    if (data && typeof data.login === 'string' && data.login) return data.login;
  } catch (error) {
    const status = httpStatus(error);
    if ((status !== 401 && status !== 403 && status !== 404) || isRateLimited(error)) throw error;
  }
  return GITHUB_ACTIONS_BOT;
}

export function sameLogin(a: string | undefined | null, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}
