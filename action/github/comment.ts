import { createHash } from 'node:crypto';
import { sameLogin } from './identity.js';
import type { GitHubApi } from './octokit.js';

/** GitHub refuses issue and pull-request comments longer than this (characters). */
export const COMMENT_LIMIT = 65_536;

/**
 * The hidden marker that identifies our sticky comment: one per workflow, config and mode (or the
 * `comment-key` input), so several gates on one pull request keep separate comments.
 */
export function commentMarker(key: string): string {
  if (!/^[A-Za-z0-9._/-]{1,64}$/.test(key)) throw new Error(`invalid comment key ${JSON.stringify(key)}`);
  return `<!-- trt-gate:report key=${key} -->`;
}

/**
 * The default comment key: a short hash of the repository, the workflow file (from
 * GITHUB_WORKFLOW_REF, without the ref; the workflow's name where that is unset), the config path
 * and the mode. Another workflow, another repository's gate or another config never shares it.
 */
export function defaultCommentKey(workflow: string, config: string, mode: string, repository = ''): string {
  const hash = createHash('sha256')
    .update(`${repository}\n${workflow}\n${config}\n${mode}`)
    .digest('hex')
    .slice(0, 12);
  return `${mode}-${hash}`;
}

export interface IssueComment {
  id: number;
  body?: string | null;
  user?: { login?: string | null } | null;
  html_url?: string;
}

/**
 * Ours: written by `author` and starting with our exact marker as its first line (where we put
 * it). A comment by the same bot from another workflow that quotes the marker anywhere else is
 * not ours; one that copies it verbatim as its first line cannot be told apart (README).
 */
export function isOwnComment(comment: IssueComment, marker: string, author: string): boolean {
  const first = (comment.body ?? '').split(/\r?\n/, 1)[0] ?? '';
  return first.trim() === marker && sameLogin(comment.user?.login, author);
}

/** A comment carrying our marker that is not ours (see isOwnComment): never edited, only reported. */
export function isForeignMarked(comment: IssueComment, marker: string, author: string): boolean {
  return (comment.body ?? '').includes(marker) && !isOwnComment(comment, marker, author);
}

export interface StickyCommentRequest {
  owner: string;
  repo: string;
  issueNumber: number;
  marker: string;
  author: string;
  /** The full comment body; must already contain `marker` and be within COMMENT_LIMIT. */
  body: string;
  /** When no comment of ours exists yet: create one (true) or leave the PR alone (false). */
  create: boolean;
}

export interface StickyCommentResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped';
  id?: number;
  url?: string;
  /** Comments with our marker by other authors, left untouched. */
  foreign: number;
}

/**
 * Creates or updates our one comment on a pull request. Every page of comments is read
 * (per_page=100, following the Link headers) and the oldest comment of ours is updated in place;
 * comments by anyone else are never touched, whatever they contain.
 */
export async function upsertStickyComment(
  api: GitHubApi,
  request: StickyCommentRequest,
): Promise<StickyCommentResult> {
  if (!request.body.includes(request.marker)) throw new Error('the comment body lacks its marker');
  if (request.body.length >= COMMENT_LIMIT) {
    throw new Error(
      `the comment body has ${request.body.length} characters; GitHub's limit is ${COMMENT_LIMIT}`,
    );
  }
  const { owner, repo, issueNumber } = request;
  const comments = (await api.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  })) as IssueComment[];
  const foreign = comments.filter((c) => isForeignMarked(c, request.marker, request.author)).length;
  const ours = comments
    .filter((c) => isOwnComment(c, request.marker, request.author))
    .sort((a, b) => a.id - b.id)[0];
  if (ours) {
    if (ours.body === request.body) return { action: 'unchanged', id: ours.id, url: ours.html_url, foreign };
    const { data } = await api.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      owner,
      repo,
      comment_id: ours.id,
      body: request.body,
    });
    return { action: 'updated', id: Number(data.id), url: data.html_url, foreign };
  }
  if (!request.create) return { action: 'skipped', foreign };
  const { data } = await api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner,
    repo,
    issue_number: issueNumber,
    body: request.body,
  });
  return { action: 'created', id: Number(data.id), url: data.html_url, foreign };
}
