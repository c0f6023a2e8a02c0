/**
 * Fail closed on reporting (issue 10): a check that could not be posted fails the Action step,
 * naming the check and the API's HTTP status, and the comment says so. Through the Action's entry
 * and the local GitHub API stand-in with injected faults (422, 403 with no fallback, persistent 5xx).
 */
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Input } from '../../action/names.js';
import { FakeGitHub, type Fault } from '../action/helpers/github-server.js';
import { benchResults, writeJson } from '../action/helpers/results.js';
import { runAction } from '../action/helpers/run-action.js';
import { HEAD_SHA, Sandbox } from '../action/helpers/sandbox.js';

const SUMMARY_FILE = join(
  tmpdir(),
  `trt-gate-check-post-summary-${process.pid}-${Math.random().toString(36).slice(2)}.md`,
);
let sandbox: Sandbox;
let github: FakeGitHub | undefined;
beforeEach(async () => {
  sandbox = await Sandbox.create(SUMMARY_FILE);
});
afterEach(async () => {
  await github?.stop();
  github = undefined;
  await sandbox.cleanup();
});
afterAll(() => rm(SUMMARY_FILE, { force: true }));

async function resultsFile(runId: string): Promise<string> {
  const dir = join(sandbox.workspace, 'in');
  await mkdir(dir, { recursive: true });
  return writeJson(join(dir, `${runId}.json`), benchResults({ runId }));
}

/** A pull_request step on one results file (no baseline: a neutral verdict, a green step today). */
async function prStep(faults: Fault[], inputs: Record<string, string> = {}, restart = true) {
  if (restart) {
    github = new FakeGitHub({ faults });
    await github.start();
  }
  const file = await resultsFile('pr-1');
  return runAction(
    await sandbox.env({
      event: 'pull_request.json',
      eventName: 'pull_request',
      apiUrl: github!.url,
      inputs: { [Input.resultsFiles]: file, [Input.checkName]: 'perf / a10g', ...inputs },
    }),
  );
}

const fault = (path: RegExp, status: number, message: string, times = 1): Fault => ({
  method: 'POST',
  path,
  status,
  message,
  times,
});

describe('a check that could not be posted fails the step', () => {
  it('422: the step fails naming the check and the status; the comment and the summary say why', async () => {
    const run = await prStep([fault(/check-runs$/, 422, 'Invalid request. output.summary is too long')]);
    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(1);
    expect(run.processExitCode).toBe(1);
    expect(run.fileOutputs.verdict).toBe('neutral'); // the gate's own verdict is reported as it is
    expect(run.published?.checkFailure).toMatchObject({ name: 'perf / a10g', sha: HEAD_SHA, status: 422 });
    expect(run.stdout).toMatch(
      new RegExp(`::error::trt-gate: the check "perf / a10g" could not be posted on ${HEAD_SHA} \\(HTTP 422`),
    );
    expect(github!.checkRuns).toEqual([]);
    expect(github!.statuses).toEqual([]); // a validation error is not a permission refusal: no fallback
    const [comment] = github!.comments.get(42)!;
    expect(comment!.body.split('\n')[0]).toBe('<!-- trt-gate:report key=test -->'); // still ours
    expect(comment!.body).toMatch(/> \[!CAUTION\]\n> The check "perf \/ a10g" could not be posted/);
    expect(await sandbox.summary()).toMatch(/could not be posted on [0-9a-f]{40} \(HTTP 422/);
  }, 60_000);

  it('403 on the check run and on the commit-status fallback: the step fails with HTTP 403', async () => {
    const refused = 'Resource not accessible by integration';
    const run = await prStep([fault(/check-runs$/, 403, refused), fault(/statuses\//, 403, refused)]);
    expect(run.exitCode).toBe(1);
    expect(run.processExitCode).toBe(1);
    expect(run.published?.checkFailure?.status).toBe(403);
    expect(run.stdout).toMatch(/::error::trt-gate: the check "perf \/ a10g" could not be posted .*HTTP 403/);
  }, 60_000);

  it('a 5xx that outlasts the retries fails the step with HTTP 502; one that passes does not', async () => {
    const run = await prStep([fault(/check-runs$/, 502, 'Bad Gateway', 10)]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::trt-gate: the check "perf \/ a10g" could not be posted .*HTTP 502/);
    await github!.stop();
    const retried = await prStep([fault(/check-runs$/, 502, 'Bad Gateway', 1)]);
    expect(retried.exitCode).toBe(0);
    expect(retried.processExitCode).toBeUndefined();
    expect(retried.published?.checkFailure).toBeUndefined();
    expect(github!.checkRuns).toHaveLength(1);
  }, 90_000);

  it('comment on-change: an all-unchanged run still creates the comment that says the check is missing', async () => {
    github = new FakeGitHub({ faults: [fault(/check-runs$/, 422, 'Validation Failed')] });
    await github.start();
    const base = await runAction(
      await sandbox.env({
        event: 'push.json',
        eventName: 'push',
        apiUrl: github.url,
        inputs: { [Input.mode]: 'baseline', [Input.resultsFiles]: await resultsFile('base-1') },
      }),
    );
    expect(base.exitCode).toBe(0);
    const run = await prStep([], { [Input.comment]: 'on-change' }, false);
    expect(run.outcome?.compared[0]?.comparisons?.map((c) => c.verdict)).toEqual(['unchanged']);
    expect(run.exitCode).toBe(1);
    expect(github!.comments.get(42)).toHaveLength(1);
    expect(github!.comments.get(42)![0]!.body).toMatch(/could not be posted/);
  }, 60_000);

  it('a check switched off (check: false) is not a failure', async () => {
    const run = await prStep([], { [Input.check]: 'false' });
    expect(run.exitCode).toBe(0);
    expect(run.published?.checkFailure).toBeUndefined();
    expect(github!.checkRuns).toEqual([]);
  }, 60_000);
});
