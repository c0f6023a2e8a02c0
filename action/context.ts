import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../src/errors.js';
import type { Env } from './inputs.js';

/**
 * What the action knows about the workflow run, from the runner's `GITHUB_*` variables and the
 * event payload (`GITHUB_EVENT_PATH`). Read at run time (not at import time, unlike
 * `@actions/github`'s `context`), so tests can point it at fixtures. Payload fields are validated
 * with lenient schemas: only the fields the action uses, everything else ignored.
 */
export interface GitHubContext {
  eventName: string;
  owner: string;
  repo: string;
  /** `GITHUB_SHA`: for pull_request events the merge commit, not the PR head. */
  sha: string | undefined;
  /** `GITHUB_REF`, e.g. `refs/heads/main`. */
  ref: string | undefined;
  workflow: string;
  /** The workflow file with its repository (GITHUB_WORKFLOW_REF without the ref), where set. */
  workflowPath?: string | undefined;
  runId: string | undefined;
  serverUrl: string;
  apiUrl: string;
  workspace: string;
  /** From the payload's `repository.default_branch`, where the event has one. */
  defaultBranch: string | undefined;
  /** The workflow run's page: where the job summary and artifacts are. */
  runUrl: string | undefined;
  pullRequest: PullRequestPayload['pull_request'] | undefined;
  workflowRun: WorkflowRunPayload['workflow_run'] | undefined;
  release: ReleasePayload['release'] | undefined;
  /** `issue_comment`: the comment and the issue (a pull request when `issue.pull_request` is set). */
  issueComment: IssueCommentPayload | undefined;
}

const Repo = z.object({ full_name: z.string().min(3) });

const Repository = z.object({ full_name: z.string().optional(), default_branch: z.string().optional() });

export const PullRequestPayload = z.object({
  pull_request: z.object({
    number: z.number().int().positive(),
    head: z.object({ sha: z.string().regex(/^[0-9a-f]{40,64}$/), ref: z.string(), repo: Repo.nullable() }),
    base: z.object({ ref: z.string().min(1), sha: z.string().optional(), repo: Repo }),
  }),
});
export type PullRequestPayload = z.infer<typeof PullRequestPayload>;

export const WorkflowRunPayload = z.object({
  workflow_run: z.object({
    id: z.number(),
    head_sha: z.string().regex(/^[0-9a-f]{40,64}$/),
    head_branch: z.string().nullable().optional(),
    event: z.string(),
    head_repository: Repo.nullable().optional(),
    repository: Repo.optional(),
  }),
});
export type WorkflowRunPayload = z.infer<typeof WorkflowRunPayload>;

/** An `issue_comment` event: a comment on an issue or (with `issue.pull_request`) a pull request. */
export const IssueCommentPayload = z.object({
  issue: z.object({
    number: z.number().int().positive(),
    pull_request: z.object({ url: z.string().optional() }).nullable().optional(),
  }),
  comment: z.object({
    id: z.number(),
    body: z.string().nullable().optional(),
    user: z.object({ login: z.string(), type: z.string().optional() }).nullable(),
    html_url: z.string().optional(),
  }),
});
export type IssueCommentPayload = z.infer<typeof IssueCommentPayload>;

export const ReleasePayload = z.object({
  release: z.object({ tag_name: z.string(), target_commitish: z.string().optional() }),
});
export type ReleasePayload = z.infer<typeof ReleasePayload>;

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

function readPayload(env: Env): Record<string, unknown> {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `cannot read the event payload at GITHUB_EVENT_PATH (${path}): ${(error as Error).message}`,
    );
  }
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

function parseOrThrow<T>(schema: z.ZodType<T>, payload: unknown, event: string): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UsageError(
      `the ${event} event payload is not shaped as expected (${first?.path.join('.') || '(root)'}: ${first?.message})`,
    );
  }
  return parsed.data;
}

export function readContext(env: Env): GitHubContext {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const payload = readPayload(env);
  const repository = Repository.safeParse(payload.repository);
  const fullName =
    env.GITHUB_REPOSITORY ?? (repository.success ? repository.data.full_name : undefined) ?? '';
  const [owner = '', repo = ''] = fullName.split('/');
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const apiUrl = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const runId = env.GITHUB_RUN_ID;
  return {
    eventName,
    owner,
    repo,
    sha: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    workflow: env.GITHUB_WORKFLOW ?? '',
    // `owner/repo/.github/workflows/ci.yml@refs/heads/main` → the file, whatever the ref.
    workflowPath: env.GITHUB_WORKFLOW_REF?.replace(/@[^@]*$/, ''),
    runId,
    serverUrl,
    apiUrl,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    defaultBranch: repository.success ? repository.data.default_branch : undefined,
    runUrl: owner && repo && runId ? `${serverUrl}/${owner}/${repo}/actions/runs/${runId}` : undefined,
    pullRequest: PULL_REQUEST_EVENTS.has(eventName)
      ? parseOrThrow(PullRequestPayload, payload, eventName).pull_request
      : undefined,
    workflowRun:
      eventName === 'workflow_run'
        ? parseOrThrow(WorkflowRunPayload, payload, eventName).workflow_run
        : undefined,
    release: eventName === 'release' ? parseOrThrow(ReleasePayload, payload, eventName).release : undefined,
    issueComment:
      eventName === 'issue_comment' ? parseOrThrow(IssueCommentPayload, payload, eventName) : undefined,
  };
}

/** `refs/heads/main` → `main`; undefined for tags and other refs. */
export function branchOf(ref: string | undefined): string | undefined {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

/**
 * Where baseline mode may write, or why it may not. Baselines are recorded only from trusted,
 * merged code: a push or workflow_dispatch on the default branch, a schedule (which always runs
 * on the default branch), or a release (which records the production baseline).
 */
export function baselineWritePolicy(ctx: GitHubContext): { branch: string } | { production: true } {
  const refuse = (why: string) =>
    new UsageError(
      `mode baseline refuses to record baselines ${why}. Baselines are recorded only on push or ` +
        'workflow_dispatch to the default branch, on schedule, or on release; use mode pr to compare a pull request.',
    );
  switch (ctx.eventName) {
    case 'pull_request':
    case 'pull_request_target':
    case 'pull_request_review':
    case 'pull_request_review_comment':
    case 'merge_group':
      throw refuse(`on a ${ctx.eventName} event (code that is not merged yet)`);
    case 'release':
      return { production: true };
    case 'schedule': {
      const branch = branchOf(ctx.ref) ?? ctx.defaultBranch;
      if (!branch) throw refuse('on a schedule event without a branch ref');
      return { branch };
    }
    case 'push':
    case 'workflow_dispatch': {
      const branch = branchOf(ctx.ref);
      if (!ctx.defaultBranch) throw refuse(`on ${ctx.eventName}: the payload names no default branch`);
      if (branch !== ctx.defaultBranch) {
        throw refuse(
          `on ${ctx.eventName} to ${JSON.stringify(ctx.ref ?? '')} (not the default branch ${ctx.defaultBranch})`,
        );
      }
      return { branch };
    }
    default:
      throw refuse(`on a ${JSON.stringify(ctx.eventName || 'unknown')} event`);
  }
}
