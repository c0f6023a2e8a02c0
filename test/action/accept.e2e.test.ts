import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Input } from '../../action/names.js';
import { Results } from '../../src/results/schema.js';
import { FakeGitHub, type FakeGitHubOptions } from './helpers/github-server.js';
import { benchResults, writeJson } from './helpers/results.js';
import { recordMainBaseline, runAction } from './helpers/run-action.js';
import { HEAD_SHA, Sandbox } from './helpers/sandbox.js';

/**
 * Accepting an expected regression through the Action's entry: `/trt-gate accept <glob> @<commit> [--up-to N%] [reason]`
 * comments on the pull request, honoured only from users whose repository permission (read from
 * the API stand-in) is write, maintain or admin; audited in the comment and results.
 */
let sandbox: Sandbox;
let github: FakeGitHub;

beforeEach(async () => {
  sandbox = await Sandbox.create();
});
afterEach(async () => {
  await github.stop();
  await sandbox.cleanup();
});

async function start(options: FakeGitHubOptions): Promise<void> {
  github = new FakeGitHub({ permissions: { alice: 'maintain', forker: 'read' }, ...options });
  await github.start();
}

/** Records a baseline on main, then runs pr mode on PR #42 with a 60 % slower candidate. */
async function regressedPr() {
  const dir = await recordMainBaseline(sandbox, github.url);
  const run = await runAction(
    await sandbox.env({
      event: 'pull_request.json',
      eventName: 'pull_request',
      apiUrl: github.url,
      sha: 'f'.repeat(40),
      ref: 'refs/pull/42/merge',
      inputs: {
        [Input.resultsFiles]: await writeJson(
          join(dir, 'pr.json'),
          benchResults({ runId: 'pr', scale: 1.6 }),
        ),
      },
    }),
  );
  expect(run.error).toBeUndefined();
  const comment = github.comments.get(42)!.find((c) => c.user.login === 'github-actions[bot]')!.body;
  const results = Results.parse(JSON.parse(await readFile(run.fileOutputs['results-path']!, 'utf8')));
  return { run, comment, comparison: results.comparisons![0]! };
}

describe('accepting an expected regression', () => {
  it('a maintainer\'s "/trt-gate accept" comment marks the regression accepted, audited, and the gate no longer fails', async () => {
    await start({});
    const command = github.addComment(
      42,
      'alice',
      `Expected.\n/trt-gate accept tinycnn/** @${HEAD_SHA.slice(0, 12)} bigger backbone, +60 % is the price`,
    );
    const { run, comment, comparison } = await regressedPr();
    expect(comparison.verdict).toBe('accepted');
    expect(comparison.accepted).toEqual({
      by: 'alice',
      at: command.updated_at,
      reason: 'bigger backbone, +60 % is the price',
      pattern: 'tinycnn/**',
      commit: HEAD_SHA.slice(0, 12),
      url: command.html_url,
    });
    expect(comparison.metrics.find((m) => m.metric === 'latency.p50')!.verdict).toBe('regressed');
    expect(run.exitCode).toBe(0);
    expect(run.fileOutputs.verdict).toBe('neutral');
    expect(github.checkRuns[0]).toMatchObject({ conclusion: 'neutral' });
    expect(comment).toContain(
      `**Regression accepted** by alice at ${command.updated_at} for commit ${HEAD_SHA.slice(0, 12)}, at that commit only`,
    );
    expect(comment).not.toContain('If a regression is expected');
    expect(comment).toContain(`([comment](${command.html_url}))`);
    expect(comment).toMatch(/accepted regression/);
    expect(comment).toMatch(/regression accepted by alice: bigger backbone/);
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toContain(
      'GET /repos/octo-org/octo-repo/collaborators/alice/permission',
    );
  });

  it('a commenter without write access (a fork author) or a bot cannot accept; the comment says why', async () => {
    await start({});
    github.addComment(42, 'forker', `/trt-gate accept ** @${HEAD_SHA} my PR, my rules`);
    github.addComment(42, 'some-app[bot]', `/trt-gate accept ** @${HEAD_SHA}`);
    github.addComment(42, 'stranger', `/trt-gate accept ** @${HEAD_SHA}`);
    const { run, comment, comparison } = await regressedPr();
    expect(comparison.verdict).toBe('regressed');
    expect(comparison.accepted).toBeUndefined();
    expect(run.exitCode).toBe(1);
    expect(comment).toMatch(
      /Not accepted: accept &#42;&#42; by forker: forker has read access; write, maintain or admin is needed/,
    );
    expect(comment).toMatch(
      /Not accepted: accept &#42;&#42; by some-app\[bot&#93;: only people with write access/,
    );
    expect(comment).toMatch(/Not accepted: accept &#42;&#42; by stranger: stranger has no access/);
  });

  it('a permission the API will not tell accepts nothing (fail closed)', async () => {
    await start({
      faults: [
        {
          method: 'GET',
          path: /\/collaborators\/alice\/permission$/,
          times: 20,
          status: 403,
          message: 'Forbidden',
        },
      ],
    });
    github.addComment(42, 'alice', `/trt-gate accept tinycnn/** @${HEAD_SHA}`);
    const { run, comment, comparison } = await regressedPr();
    expect(comparison.verdict).toBe('regressed');
    expect(run.exitCode).toBe(1);
    expect(comment).toMatch(
      /Not accepted: accept tinycnn\/&#42;&#42; by alice: alice has unknown \(HTTP 403/,
    );
  });

  it('is bound to the commit it names: given on an older head without a bound, it accepts nothing now', async () => {
    await start({});
    const old = '0123456789abcdef0123456789abcdef01234567';
    github.addComment(42, 'alice', `/trt-gate accept tinycnn/** @${old.slice(0, 7)} expected`);
    github.addComment(42, 'alice', '/trt-gate accept tinycnn/** expected');
    const { run, comment, comparison } = await regressedPr();
    expect(comparison.verdict).toBe('regressed');
    expect(comparison.accepted).toBeUndefined();
    expect(comparison.reason).toMatch(
      /\(not accepted: given for commit 0123456, but these results are of commit 4f9c1d7e2b8a/,
    );
    expect(run.exitCode).toBe(1);
    expect(comment).toMatch(
      /Not accepted: accept tinycnn\/&#42;&#42; @\u200D?0123456 by alice for tinycnn\/fp16\/b1 \(NVIDIA A10G \(sm 8\.6\)\): given for commit 0123456, but these results are of commit 4f9c1d7e2b8a: accept again for it, or give --up-to/,
    );
    expect(comment).toMatch(/Not accepted: accept tinycnn\/&#42;&#42; by alice: it names no commit/);
    // The report shows the line that would accept it as measured: this commit, a bound just above.
    expect(comment).toMatch(
      /\*\*If a regression is expected\*\*, .* for commit 4f9c1d7e2b8a .*\/trt-gate accept tinycnn\/fp16\/b1 @\u200D?4f9c1d7e2b8a --up-to 6\d% &lt;reason&gt;/,
    );
  });

  it('a bound carries the acceptance to later commits while the regression stays within it, not beyond', async () => {
    await start({});
    const old = '0123456789abcdef0123456789abcdef01234567';
    github.addComment(42, 'alice', `/trt-gate accept tinycnn/** @${old} --up-to 70% bigger backbone`);
    const within = await regressedPr();
    expect(within.comparison).toMatchObject({
      verdict: 'accepted',
      accepted: { commit: old, upToPct: 70, by: 'alice' },
    });
    expect(within.run.exitCode).toBe(0);
    expect(within.comment).toContain(`for commit ${old.slice(0, 12)}, up to +70 % — bigger backbone`);

    await github.stop();
    await sandbox.cleanup();
    sandbox = await Sandbox.create();
    await start({});
    github.addComment(42, 'alice', `/trt-gate accept tinycnn/** @${HEAD_SHA} --up-to 20% bigger backbone`);
    const beyond = await regressedPr();
    expect(beyond.comparison.verdict).toBe('regressed');
    expect(beyond.comparison.reason).toMatch(
      /\(not accepted: accepted up to \+20 %, but it is now \+6\d(\.\d)? %\)$/,
    );
    expect(beyond.run.exitCode).toBe(1);
    expect(github.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
  });
});
