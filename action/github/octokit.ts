import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type GitHubApi = ReturnType<typeof getOctokit>;

export interface Logger {
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
}

/**
 * An Octokit for the REST API at `apiUrl` (from `GITHUB_API_URL`: github.com, GHES, or a local
 * test server), with the retry plugin (5xx, network errors) and the throttling plugin (primary
 * and secondary rate limits: retried twice, then given up with a warning). The base URL is passed
 * explicitly: @actions/github reads `GITHUB_API_URL` once, when it is first imported.
 */
export function createOctokit(token: string, apiUrl: string, log: Logger): GitHubApi {
  return getOctokit(
    token,
    {
      baseUrl: apiUrl,
      userAgent: 'trt-gate-action',
      throttle: {
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          count: number,
        ) => {
          log.warning(
            `GitHub rate limit hit on ${options.method} ${options.url}; retry ${count + 1} in ${retryAfter}s`,
          );
          return count < 2;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          count: number,
        ) => {
          log.warning(
            `GitHub secondary rate limit on ${options.method} ${options.url}; retry in ${retryAfter}s`,
          );
          return count < 2;
        },
      },
      retry: { retries: 3 },
    },
    retry,
    throttling,
  );
}

/**
 * Whether an API error is a rate limit (primary: 403/429 with `x-ratelimit-remaining: 0`;
 * secondary: 403/429 saying so, or with `retry-after`), not a refusal. The throttling plugin has
 * already retried it; what reaches the caller must not be read as "not permitted".
 */
export function isRateLimited(error: unknown): boolean {
  const status = httpStatus(error);
  if (status === 429) return true;
  if (status !== 403) return false;
  const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers ?? {};
  const message = (error as Error).message ?? '';
  return (
    headers['x-ratelimit-remaining'] === '0' ||
    headers['retry-after'] !== undefined ||
    /rate limit/i.test(message)
  );
}

/** The HTTP status of an Octokit error, if it has one. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function errorMessage(error: unknown): string {
  const status = httpStatus(error);
  const message = (error as Error)?.message ?? String(error);
  return status ? `HTTP ${status}: ${message}` : message;
}
