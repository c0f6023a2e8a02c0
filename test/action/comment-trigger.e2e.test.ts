import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Input } from '../../action/names.js';
import { Results } from '../../src/results/schema.js';
import { FakeGitHub, type PullRequest } from './helpers/github-server.js';
import { benchResults, withForgedPair, writeJson } from './helpers/results.js';
import { recordMainBaseline, runAction } from './helpers/run-action.js';
import { HEAD_SHA, MAIN_SHA, Sandbox } from './helpers/sandbox.js';

/**
 * The `issue_comment` trigger through the Action's entry: a maintainer's accept comment re-judges
 * the PR head's results (downloaded by the workflow, passed as results-files) and re-posts the
 * comment and check, without benchmarking. Comments from anyone without write access, on issues,
 * or without a command do nothing at all, before anything is read.
 */
let sandbox: Sandbox;
let github: FakeGitHub;

const pull = (headRepo: string): PullRequest => ({
  number: 42,
  state: 'open',
  head: { sha: HEAD_SHA, ref: 'bigger-model', repo: { full_name: headRepo } },
  base: { ref: 'main', sha: MAIN_SHA, repo: { full_name: 'octo-org/octo-repo' } },
});

beforeEach(async () => {
  sandbox = await Sandbox.create();
});
afterEach(async () => {
  await github.stop();
  await sandbox.cleanup();
});

async function start(headRepo = 'octo-org/octo-repo'): Promise<void> {
  github = new FakeGitHub({
    permissions: { alice: 'maintain', forker: 'read' },
    pulls: [pull(headRepo)],
  });
  await github.start();
}

/** The comment as GitHub stores it, and an issue_comment event payload naming it. */
async function commentEvent(login: string, body: string, onPullRequest = true): Promise<string> {
  const comment = github.addComment(42, login, body);
  const repo = { full_name: 'octo-org/octo-repo', default_branch: 'main' };
  const path = join(sandbox.root, `comment-${comment.id}.json`);
  await writeFile(
    path,
    JSON.stringify({
      action: 'created',
      issue: {
        number: 42,
        ...(onPullRequest
          ? { pull_request: { url: 'https://api.github.com/repos/octo-org/octo-repo/pulls/42' } }
          : {}),
      },
      comment,
      repository: repo,
      sender: comment.user,
    }),
  );
  return path;
}

async function commentStep(eventPath: string, inputs: Record<string, string>) {
  const env = await sandbox.env({
    event: 'pull_request.json',
    eventName: 'issue_comment',
    apiUrl: github.url,
    inputs: { [Input.mode]: 'aggregate', ...inputs },
  });
  return { ...env, GITHUB_EVENT_PATH: eventPath };
}

/** A baseline on main, and the PR head's results (60 % slower), as the PR's run uploaded them. */
async function prResults(options: { sha?: string; forged?: boolean } = {}): Promise<string> {
  const dir = await recordMainBaseline(sandbox, github.url);
  const results = benchResults({ runId: 'pr', scale: 1.6, sha: options.sha ?? HEAD_SHA });
  // A fork's upload may carry an A/B comparison its own workflow made up.
  return writeJson(join(dir, 'pr.json'), options.forged ? withForgedPair(results) : results);
}

describe('issue_comment: re-judging on an accept comment', () => {
  it("a maintainer's accept comment re-judges the PR head's results without benchmarking, and re-posts the check", async () => {
    await start();
    const file = await prResults();
    const event = await commentEvent('alice', `/trt-gate accept tinycnn/** @${HEAD_SHA.slice(0, 12)} bigger`);
    const run = await runAction(await commentStep(event, { [Input.resultsFiles]: file }));
    expect(run.error).toBeUndefined();
    const results = Results.parse(JSON.parse(await readFile(run.fileOutputs['results-path']!, 'utf8')));
    expect(results.comparisons![0]).toMatchObject({
      verdict: 'accepted',
      accepted: { by: 'alice', commit: HEAD_SHA.slice(0, 12), reason: 'bigger' },
    });
    expect(run.exitCode).toBe(0);
    // The PR was read from the API; the check goes on its head, the comment on the PR.
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toContain(
      'GET /repos/octo-org/octo-repo/pulls/42',
    );
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ head_sha: HEAD_SHA, conclusion: 'neutral' });
    const report = github.comments.get(42)!.find((c) => c.user.login === 'github-actions[bot]')!.body;
    expect(report).toMatch(
      /\*\*Regression accepted\*\* by alice .* for commit 4f9c1d7e2b8a, at that commit only/,
    );
  });

  it('a comment from someone without write access, a bot, on an issue, or without a command does nothing', async () => {
    await start();
    // A results path that does not exist: reading anything would fail the step.
    const missing = join(sandbox.root, 'never-read.json');
    const cases = [
      await commentEvent('forker', `/trt-gate accept ** @${HEAD_SHA}`),
      await commentEvent('stranger', `/trt-gate accept ** @${HEAD_SHA}`),
      await commentEvent('some-app[bot]', `/trt-gate accept ** @${HEAD_SHA}`),
      await commentEvent('alice', 'looks good to me'),
      await commentEvent('alice', `/trt-gate accept ** @${HEAD_SHA}`, false),
    ];
    const said: string[] = [];
    for (const event of cases) {
      const run = await runAction(await commentStep(event, { [Input.resultsFiles]: missing }));
      expect(run.error).toBeUndefined();
      expect(run.exitCode).toBe(0);
      said.push(/::notice::trt-gate: nothing to do: (.*)/.exec(run.stdout)?.[1] ?? '');
    }
    expect(said).toEqual([
      'forker has read access to the repository; only a comment from someone with write access re-judges PR #42',
      'stranger has no access to the repository; only a comment from someone with write access re-judges PR #42',
      'the comment on PR #42 is not from a person with write access',
      'the comment on PR #42 has no /trt-gate accept command',
      'comment on issue #42, not a pull request',
    ]);
    expect(github.writes()).toEqual([]);
    expect(github.requests.some((r) => r.path.endsWith('/pulls/42'))).toBe(false);
  });

  it('never benchmarks on a comment, and never puts results of an older head on the new one (exit 2, nothing posted)', async () => {
    await start();
    const accept = `/trt-gate accept ** @${HEAD_SHA}`;
    const noFiles = await runAction(
      await commentStep(await commentEvent('alice', accept), { [Input.mode]: 'pr' }),
    );
    expect(noFiles.exitCode).toBe(2);
    expect(noFiles.error).toMatch(/an issue_comment event never runs the benchmark/);
    const stale = await prResults({ sha: 'b'.repeat(40) });
    const run = await runAction(
      await commentStep(await commentEvent('alice', accept), { [Input.resultsFiles]: stale }),
    );
    expect(run.exitCode).toBe(2);
    expect(run.error).toMatch(
      /the results are of bbbbbbbbbbbb, but the head of PR #42 is 4f9c1d7e2b8a; nothing re-judged/,
    );
    expect(github.checkRuns).toEqual([]);
    expect(github.comments.get(42)!.every((c) => c.user.login !== 'github-actions[bot]')).toBe(true);
  });

  it("a fork PR's own A/B verdict is re-judged by the history; the maintainer's acceptance then applies", async () => {
    await start('forker/octo-repo');
    const file = await prResults({ forged: true });
    const event = await commentEvent('alice', `/trt-gate accept tinycnn/** @${HEAD_SHA} --up-to 70%`);
    const run = await runAction(await commentStep(event, { [Input.resultsFiles]: file }));
    expect(run.error).toBeUndefined();
    const cmp = run.outcome!.compared[0]!.comparisons![0]!;
    expect(cmp).toMatchObject({
      method: 'history',
      verdict: 'accepted',
      abSkipped: 'pairs measured by a workflow run of forker/octo-repo are not trusted',
      accepted: { upToPct: 70 },
    });
    expect(cmp.reason).toMatch(/^regression accepted up to \+70 % by alice \(was: latency\.p50: /);
    expect(github.checkRuns[0]).toMatchObject({ head_sha: HEAD_SHA, conclusion: 'neutral' });
    // The fork's results stay advisory, as in the workflow_run report (fork-results).
    expect(String((github.checkRuns[0]!.output as { title: string }).title)).toMatch(
      /^Advisory \(fork results\): /,
    );
  });
});
