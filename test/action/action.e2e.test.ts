import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Input } from '../../action/names.js';
import { FakeGitHub } from './helpers/github-server.js';
import { benchResults, writeJson } from './helpers/results.js';
import { runAction } from './helpers/run-action.js';
import { type EventName, FORK_HEAD_SHA, HEAD_SHA, MAIN_SHA, Sandbox } from './helpers/sandbox.js';

const MARKER = '<!-- trt-gate:report key=test -->';
const SUMMARY_FILE = join(
  tmpdir(),
  `trt-gate-e2e-summary-${process.pid}-${Math.random().toString(36).slice(2)}.md`,
);

let sandbox: Sandbox;
let github: FakeGitHub;

// core.summary caches the summary path on first use, so every test of this file shares one file.
beforeEach(async () => {
  sandbox = await Sandbox.create(SUMMARY_FILE);
});
afterEach(async () => {
  await github?.stop();
  await sandbox.cleanup();
});
afterAll(() => rm(SUMMARY_FILE, { force: true }));

async function startGitHub(options: ConstructorParameters<typeof FakeGitHub>[0] = {}): Promise<FakeGitHub> {
  github = new FakeGitHub(options);
  await github.start();
  return github;
}

async function resultsFile(name: string, ...args: Parameters<typeof benchResults>): Promise<string> {
  const dir = join(sandbox.workspace, 'in');
  await mkdir(dir, { recursive: true });
  return writeJson(join(dir, name), benchResults(...args));
}

function step(
  event: string,
  eventName: EventName,
  inputs: Record<string, string>,
  extra: { sha?: string; ref?: string } = {},
) {
  return sandbox.env({ event, eventName, apiUrl: github.url, inputs, ...extra });
}

/** Records `runId` as the main branch's baseline through the action itself (push to main). */
async function recordBaseline(runId: string, options: Partial<Parameters<typeof benchResults>[0]> = {}) {
  const file = await resultsFile(`${runId}.json`, { runId, ...options });
  const run = await runAction(
    await step('push.json', 'push', { [Input.mode]: 'baseline', [Input.resultsFiles]: file }),
  );
  expect(run.error).toBeUndefined();
  return run;
}

describe('pull request flow', () => {
  it('first run creates one comment and one check; the next updates the same comment; a regression fails', async () => {
    await startGitHub();
    const baseline = await recordBaseline('base-1');
    expect(baseline.exitCode).toBe(0);
    expect(baseline.fileOutputs.verdict).toBe('neutral'); // nothing to compare with yet
    expect(github.writes()).toEqual([]); // baseline mode posts nothing to GitHub
    // Store schema 2: a key directory with key.json, one compressed file per run and the key's
    // summary of every run (summary.json.gz).
    expect(await sandbox.remoteFiles()).toEqual([
      expect.stringMatching(
        /^baselines\/branches\/main\/nvidia-a10g-sm-8.6\/tinycnn\/fp16-b1-[0-9a-f]{16}\/\d{15}-base-1-[0-9a-f]{16}\.run\.gz$/,
      ),
      expect.stringMatching(
        /^baselines\/branches\/main\/nvidia-a10g-sm-8.6\/tinycnn\/fp16-b1-[0-9a-f]{16}\/key\.json$/,
      ),
      expect.stringMatching(
        /^baselines\/branches\/main\/nvidia-a10g-sm-8.6\/tinycnn\/fp16-b1-[0-9a-f]{16}\/summary\.json\.gz$/,
      ),
    ]);

    // First PR run: unchanged.
    const same = await resultsFile('pr-1.json', { runId: 'pr-1' });
    const first = await runAction(
      await step(
        'pull_request.json',
        'pull_request',
        { [Input.resultsFiles]: same },
        { sha: 'f'.repeat(40), ref: 'refs/pull/42/merge' },
      ),
    );
    expect(first.error).toBeUndefined();
    expect(first.exitCode).toBe(0);
    expect(first.processExitCode).toBeUndefined();
    expect(first.fileOutputs).toMatchObject({ verdict: 'pass', regressions: '0' });
    const comments = github.comments.get(42)!;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.user.login).toBe('github-actions[bot]');
    expect(comments[0]!.body.split('\n')[0]).toBe(MARKER);
    expect(comments[0]!.body).toContain('compared with branch main');
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({
      name: 'trt-gate',
      head_sha: HEAD_SHA, // the PR head, not GITHUB_SHA (the merge commit)
      status: 'completed',
      conclusion: 'success',
      details_url: 'https://github.com/octo-org/octo-repo/actions/runs/4242',
    });
    expect(first.fileOutputs['results-path']).toBe(
      join(sandbox.workspace, 'trt-gate-results', 'results.json'),
    );
    expect(first.fileOutputs['report-path']).toBe(join(sandbox.workspace, 'trt-gate-results', 'report.md'));
    // PR mode never writes baselines.
    expect(await sandbox.remoteRunIds('/tinycnn/')).toEqual(['base-1']);

    // Second run: a regression. The same comment is edited; the check fails; the step fails.
    const slower = await resultsFile('pr-2.json', { runId: 'pr-2', scale: 1.6 });
    const second = await runAction(
      await step(
        'pull_request.json',
        'pull_request',
        { [Input.resultsFiles]: slower },
        { sha: 'f'.repeat(40) },
      ),
    );
    expect(second.error).toBeUndefined();
    expect(second.exitCode).toBe(1);
    expect(second.processExitCode).toBe(1);
    expect(second.stdout).toMatch(/::error::trt-gate: the regression gate failed/);
    expect(second.fileOutputs).toMatchObject({ verdict: 'fail', regressions: '1' });
    expect(github.comments.get(42)).toHaveLength(1);
    expect(github.comments.get(42)![0]!.id).toBe(comments[0]!.id);
    expect(github.comments.get(42)![0]!.body).toMatch(/regressed/);
    const posts = github.writes().filter((r) => r.path.endsWith('/comments'));
    expect(posts).toHaveLength(1); // only the first run created a comment
    expect(github.writes().filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(github.checkRuns).toHaveLength(2);
    expect(github.checkRuns[1]).toMatchObject({ head_sha: HEAD_SHA, conclusion: 'failure' });
    expect(await sandbox.summary()).toMatch(/regressed/);
  }, 60_000);

  it('gives a neutral check without a baseline, and escapes untrusted names in the comment', async () => {
    await startGitHub();
    const file = await resultsFile('pr.json', {
      runId: 'pr-x',
      models: ['evil_[x](https://e.vil)@team#1<b>'],
    });
    const run = await runAction(
      await step('pull_request.json', 'pull_request', { [Input.resultsFiles]: file }),
    );
    expect(run.exitCode).toBe(0);
    expect(run.fileOutputs.verdict).toBe('neutral');
    expect(github.checkRuns[0]).toMatchObject({ conclusion: 'neutral' });
    const body = github.comments.get(42)![0]!.body;
    expect(body).not.toContain('[x](https://e.vil)');
    expect(body).not.toContain('<b>');
    expect(body).not.toContain('@team');
  });

  it('on a fork PR with a read-only token: completes, comments nothing, reports in the summary', async () => {
    await startGitHub({ readOnly: ['ghs_readonly'] });
    const file = await resultsFile('fork.json', { runId: 'fork-1' });
    const run = await runAction(
      await step('pull_request_fork.json', 'pull_request', {
        [Input.resultsFiles]: file,
        [Input.githubToken]: 'ghs_readonly',
      }),
    );
    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(0);
    expect(run.processExitCode).toBeUndefined();
    expect(github.writes()).toEqual([]);
    expect(github.comments.size).toBe(0);
    expect(run.stdout).toMatch(/::notice::trt-gate: this pull request comes from a fork/);
    const summary = await sandbox.summary();
    expect(summary).toMatch(/trt-gate|Regression gate/);
    expect(summary).toMatch(/comes from a fork/);
    expect(run.fileOutputs['report-path']).toMatch(/report\.md$/);
  });

  it('a refused comment only warns; a refused check fails the step (fail closed), the verdict unchanged', async () => {
    // A token that may read but whose writes are refused, on a same-repo PR (e.g. missing permissions).
    await startGitHub({ readOnly: ['ghs_no_write'] });
    const file = await resultsFile('pr.json', { runId: 'pr-1' });
    const run = await runAction(
      await step('pull_request.json', 'pull_request', {
        [Input.resultsFiles]: file,
        [Input.githubToken]: 'ghs_no_write',
      }),
    );
    expect(run.exitCode).toBe(1);
    expect(run.fileOutputs.verdict).toBe('neutral');
    expect(run.stdout).toMatch(/::warning::trt-gate: could not comment on PR #42/);
    expect(run.stdout).toMatch(
      /::error::trt-gate: the check "trt-gate" could not be posted on .* \(HTTP 403/,
    );
  });
});

describe('sticky comment identity', () => {
  it('never edits a marked comment by someone else, and finds its own on a later page', async () => {
    await startGitHub();
    for (let i = 0; i < 120; i++) github.addComment(42, `user${i % 7}`, `comment ${i}`);
    const mallory = github.addComment(42, 'mallory', `${MARKER}\nfake report: all good`);
    for (let i = 0; i < 100; i++) github.addComment(42, 'octocat', `more ${i}`);
    const ours = github.addComment(42, 'github-actions[bot]', `${MARKER}\nold report`);
    for (let i = 0; i < 30; i++) github.addComment(42, 'octocat', `later ${i}`);

    const file = await resultsFile('pr.json', { runId: 'pr-1' });
    const run = await runAction(
      await step('pull_request.json', 'pull_request', { [Input.resultsFiles]: file }),
    );
    expect(run.exitCode).toBe(0);
    expect(run.published?.comment?.action).toBe('updated');
    expect(run.published?.comment?.id).toBe(ours.id);
    expect(mallory.body).toBe(`${MARKER}\nfake report: all good`);
    expect(ours.body).not.toContain('old report');
    expect(github.comments.get(42)).toHaveLength(252);
    const pages = github.requests
      .filter((r) => r.method === 'GET' && r.path.endsWith('/issues/42/comments'))
      .map((r) => `${r.query.get('per_page')}:${r.query.get('page') ?? '1'}`);
    expect(pages).toEqual(['100:1', '100:2', '100:3']);
    expect(run.stdout).toMatch(
      /ignored 1 comment\(s\) with the trt-gate marker not written by github-actions\[bot\]/,
    );
  });

  it('creates its own comment when the only marked one is by another user', async () => {
    await startGitHub();
    const mallory = github.addComment(42, 'mallory', `${MARKER}\nfake`);
    const file = await resultsFile('pr.json', { runId: 'pr-1' });
    const run = await runAction(
      await step('pull_request.json', 'pull_request', { [Input.resultsFiles]: file }),
    );
    expect(run.published?.comment?.action).toBe('created');
    expect(github.comments.get(42)).toHaveLength(2);
    expect(mallory.body).toBe(`${MARKER}\nfake`);
    expect(github.writes().filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('with a personal access token: the author is GET /user, and a refused check run becomes a commit status', async () => {
    await startGitHub({ users: { ghp_pat: 'octocat' } });
    const ours = github.addComment(42, 'octocat', `${MARKER}\nold`);
    github.addComment(42, 'github-actions[bot]', `${MARKER}\nnot ours with this token`);
    const file = await resultsFile('pr.json', { runId: 'pr-1' });
    const run = await runAction(
      await step('pull_request.json', 'pull_request', {
        [Input.resultsFiles]: file,
        [Input.githubToken]: 'ghp_pat',
      }),
    );
    expect(run.exitCode).toBe(0);
    expect(run.published?.comment).toMatchObject({ action: 'updated', id: ours.id });
    expect(github.checkRuns).toEqual([]);
    expect(github.statuses).toHaveLength(1);
    expect(github.statuses[0]).toMatchObject({ sha: HEAD_SHA, context: 'trt-gate', state: 'success' });
  });

  it('comment on-change: an all-unchanged run creates no comment; never: none at all', async () => {
    await startGitHub();
    await recordBaseline('base-1');
    const file = await resultsFile('pr.json', { runId: 'pr-1' });
    const quiet = await runAction(
      await step('pull_request.json', 'pull_request', {
        [Input.resultsFiles]: file,
        [Input.comment]: 'on-change',
      }),
    );
    expect(quiet.fileOutputs.verdict).toBe('pass');
    expect(quiet.published?.comment?.action).toBe('skipped');
    expect(github.comments.get(42)).toBeUndefined();
    expect(github.checkRuns).toHaveLength(1);
    await runAction(
      await step('pull_request.json', 'pull_request', {
        [Input.resultsFiles]: file,
        [Input.comment]: 'never',
        [Input.check]: 'false',
      }),
    );
    expect(github.comments.get(42)).toBeUndefined();
    expect(github.checkRuns).toHaveLength(1);
  });

  it('cuts a huge report below the comment limit, pointing at the full report', async () => {
    await startGitHub();
    const models = Array.from({ length: 700 }, (_, i) => `model-with-a-rather-long-name-${i}`);
    const file = await resultsFile('big.json', { runId: 'big', models });
    const run = await runAction(
      await step('pull_request.json', 'pull_request', { [Input.resultsFiles]: file }),
    );
    expect(run.error).toBeUndefined();
    const body = github.comments.get(42)![0]!.body;
    expect(body.length).toBeLessThan(65_536);
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toMatch(/cut to fit GitHub's comment limit/);
    expect(body).toContain('https://github.com/octo-org/octo-repo/actions/runs/4242');
  }, 60_000);
});

describe('workflow_run (fork-safe reporting) and aggregate', () => {
  it('finds the PR by the triggering run head SHA through the API and reports the whole matrix once', async () => {
    await startGitHub({
      pulls: [
        {
          number: 7,
          state: 'open',
          head: { sha: FORK_HEAD_SHA, ref: 'main', repo: { full_name: 'forker/octo-repo' } },
          base: { ref: 'main', sha: MAIN_SHA, repo: { full_name: 'octo-org/octo-repo' } },
        },
        {
          number: 8,
          state: 'open',
          head: { sha: HEAD_SHA, ref: 'other', repo: { full_name: 'octo-org/octo-repo' } },
          base: { ref: 'main', sha: MAIN_SHA, repo: { full_name: 'octo-org/octo-repo' } },
        },
      ],
    });
    await recordBaseline('base-a10g', { device: 'NVIDIA A10G (sm 8.6)' });
    await recordBaseline('base-l4', { device: 'NVIDIA L4 (sm 8.9)' });
    const artifacts = join(sandbox.workspace, 'artifacts');
    await mkdir(join(artifacts, 'sm86'), { recursive: true });
    await mkdir(join(artifacts, 'sm89'), { recursive: true });
    await writeJson(
      join(artifacts, 'sm86', 'results.json'),
      benchResults({ runId: 'c1', device: 'NVIDIA A10G (sm 8.6)' }),
    );
    await writeJson(
      join(artifacts, 'sm89', 'results.json'),
      benchResults({ runId: 'c2', device: 'NVIDIA L4 (sm 8.9)', scale: 1.5 }),
    );
    const run = await runAction(
      await step('workflow_run.json', 'workflow_run', {
        [Input.mode]: 'aggregate',
        [Input.resultsFiles]: 'artifacts/**/results.json',
      }),
    );
    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(1); // the L4 job regressed
    expect(run.fileOutputs).toMatchObject({ verdict: 'fail', regressions: '1' });
    expect(run.fileOutputs['results-path']).toMatch(/aggregate\.json$/);
    expect(github.comments.get(7)).toHaveLength(1);
    expect(github.comments.get(8)).toBeUndefined();
    const body = github.comments.get(7)![0]!.body;
    expect(body).toContain('NVIDIA A10G');
    expect(body).toContain('NVIDIA L4');
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ head_sha: FORK_HEAD_SHA, conclusion: 'failure' });
    // The commit's pulls endpoint does not know fork commits: the open pulls were searched.
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        `GET /repos/octo-org/octo-repo/commits/${FORK_HEAD_SHA}/pulls`,
        'GET /repos/octo-org/octo-repo/pulls',
      ]),
    );
  }, 60_000);

  it("says a fork's verdict is advisory, and with fork-results: require-trusted never turns the check green (issue 10, case 14)", async () => {
    const pulls = [
      {
        number: 7,
        state: 'open' as const,
        head: { sha: FORK_HEAD_SHA, ref: 'main', repo: { full_name: 'forker/octo-repo' } },
        base: { ref: 'main', sha: MAIN_SHA, repo: { full_name: 'octo-org/octo-repo' } },
      },
    ];
    await startGitHub({ pulls });
    await recordBaseline('base-a10g', { device: 'NVIDIA A10G (sm 8.6)' });
    const file = await resultsFile('a10g.json', { runId: 'c1', device: 'NVIDIA A10G (sm 8.6)' });
    const inputs = { [Input.mode]: 'aggregate', [Input.resultsFiles]: file };
    const advisory = await runAction(await step('workflow_run.json', 'workflow_run', inputs));
    expect(advisory.error).toBeUndefined();
    expect(github.comments.get(7)![0]!.body).toMatch(
      /workflow run of forker\/octo-repo.*the verdict is advisory/s,
    );
    expect(github.checkRuns).toHaveLength(1);
    const first = github.checkRuns[0]!;
    expect(String((first.output as { title: string }).title)).toMatch(/^Advisory \(fork results\): /);
    expect(first.conclusion).not.toBe('failure');

    await startGitHub({ pulls });
    const strict = await runAction(
      await step('workflow_run.json', 'workflow_run', { ...inputs, [Input.forkResults]: 'require-trusted' }),
    );
    expect(strict.error).toBeUndefined();
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
    expect(String((github.checkRuns[0]!.output as { title: string }).title)).toMatch(
      /a trusted run is required/,
    );
  }, 60_000);

  it('aggregate reports an artifact over the size limit or not matching the schema and fails closed (issue 10, case 1)', async () => {
    await startGitHub({ pulls: [] });
    const file = await resultsFile('big.json', { runId: 'x', models: ['a', 'b', 'c'] });
    const big = await runAction(
      await step('workflow_run.json', 'workflow_run', {
        [Input.mode]: 'aggregate',
        [Input.resultsFiles]: file,
        [Input.maxResultsMb]: '0.01',
      }),
    );
    expect(big.exitCode).toBe(1);
    expect(big.fileOutputs.verdict).toBe('fail');
    expect(await sandbox.summary()).toMatch(/over the 10486-byte limit/);
    await writeJson(join(sandbox.workspace, 'in', 'forged.json'), { schemaVersion: 1, entries: 'rm -rf /' });
    const good = await resultsFile('good.json', { runId: 'g' });
    const forged = await runAction(
      await step('workflow_run.json', 'workflow_run', {
        [Input.mode]: 'aggregate',
        [Input.resultsFiles]: `in/forged.json\n${good}`,
      }),
    );
    expect(forged.exitCode).toBe(1);
    expect(forged.fileOutputs.verdict).toBe('fail');
    const summary = await sandbox.summary();
    expect(summary).toMatch(/not a trt&#45;gate results file|not a trt-gate results file/);
    expect(summary).toMatch(/tinycnn/); // the readable file is still reported
    for (const run of github.checkRuns) expect(run.conclusion).toBe('failure');
  });

  it('aggregate fails the check naming an expected architecture without results (issue 10, case 1)', async () => {
    await startGitHub({ pulls: [] });
    await recordBaseline('base-1');
    const a10g = await resultsFile('a10g.json', { runId: 'pr-a' });
    const run = await runAction(
      await step('workflow_run.json', 'workflow_run', {
        [Input.mode]: 'aggregate',
        [Input.resultsFiles]: a10g,
        [Input.expectedArchitectures]: 'sm_86, sm_90',
      }),
    );
    expect(run.exitCode).toBe(1);
    expect(run.fileOutputs.verdict).toBe('fail');
    expect(await sandbox.summary()).toMatch(/missing architecture sm&#95;90|missing architecture sm_90/);
    expect(await sandbox.summary()).not.toMatch(/missing architecture sm.{0,6}86/);
    for (const check of github.checkRuns) {
      expect(check.conclusion).toBe('failure');
      expect(String((check.output as { title: string }).title)).toMatch(/missing architecture sm_90/);
    }
  });
});

describe('baseline and release modes', () => {
  it('an unreadable results file fails baseline mode (exit 4, named) before anything is recorded', async () => {
    await startGitHub();
    const good = await resultsFile('good.json', { runId: 'good' });
    const bad = join(sandbox.workspace, 'in', 'bad.json');
    await writeFile(bad, '{"schemaVersion": 1, "entries": [');
    const run = await runAction(
      await step('push.json', 'push', { [Input.mode]: 'baseline', [Input.resultsFiles]: `${good}\n${bad}` }),
    );
    expect(run.exitCode).toBe(4);
    expect(run.error).toMatch(/bad\.json: not valid JSON/);
    expect(await sandbox.remoteFiles()).toEqual([]);
  });

  it('refuses to record baselines on pull_request events and on pushes to other branches', async () => {
    await startGitHub();
    const file = await resultsFile('r.json', { runId: 'r' });
    const pr = await runAction(
      await step('pull_request.json', 'pull_request', {
        [Input.mode]: 'baseline',
        [Input.resultsFiles]: file,
      }),
    );
    expect(pr.exitCode).toBe(2);
    expect(pr.error).toMatch(/mode baseline refuses to record baselines on a pull_request event/);
    const feature = await runAction(
      await step(
        'push_feature.json',
        'push',
        { [Input.mode]: 'baseline', [Input.resultsFiles]: file },
        { ref: 'refs/heads/feature/faster' },
      ),
    );
    expect(feature.exitCode).toBe(2);
    expect(feature.error).toMatch(/not the default branch main/);
    expect(await sandbox.remoteFiles()).toEqual([]);
  });

  it('records the nightly (schedule) baseline, and the release baseline that release mode compares with', async () => {
    await startGitHub();
    const nightly = await resultsFile('n.json', { runId: 'nightly-1' });
    const scheduled = await runAction(
      await step('schedule.json', 'schedule', { [Input.mode]: 'baseline', [Input.resultsFiles]: nightly }),
    );
    expect(scheduled.exitCode).toBe(0);
    expect(await sandbox.summary()).toMatch(/Baselines recorded:\*\* 1 key updated in branch main/);

    const released = await resultsFile('rel.json', { runId: 'release-1' });
    const release = await runAction(
      await step(
        'release.json',
        'release',
        { [Input.mode]: 'baseline', [Input.resultsFiles]: released },
        { ref: 'refs/tags/v1.2.0' },
      ),
    );
    expect(release.exitCode).toBe(0);
    const files = await sandbox.remoteFiles();
    expect(files.some((f) => f.startsWith('baselines/branches/main/'))).toBe(true);
    expect(files.some((f) => f.startsWith('baselines/production/'))).toBe(true);

    // A 30 % slower candidate passes the default 10 % latency threshold? No — but the release
    // thresholds allow 50 %.
    const candidate = await resultsFile('cand.json', { runId: 'cand-1', scale: 1.3 });
    const strict = await runAction(
      await step('workflow_dispatch.json', 'workflow_dispatch', {
        [Input.mode]: 'release',
        [Input.resultsFiles]: candidate,
      }),
    );
    expect(strict.fileOutputs.verdict).toBe('fail');
    const lenient = await runAction(
      await step('workflow_dispatch.json', 'workflow_dispatch', {
        [Input.mode]: 'release',
        [Input.resultsFiles]: candidate,
        [Input.releaseThresholds]:
          'latency.p50: { model: percentage, maxRegressionPct: 50 }\nlatency.p99: { model: percentage, maxRegressionPct: 50 }\nlatency.mean: { model: percentage, maxRegressionPct: 50 }\nthroughput: { model: percentage, maxRegressionPct: 50 }',
      }),
    );
    expect(lenient.error).toBeUndefined();
    // The comparison passes with the release thresholds …
    expect(lenient.outcome?.compared[0]?.gate?.conclusion).toBe('pass');
    expect(lenient.fileOutputs['report-path']).toMatch(/release-report\.md$/);
    expect(lenient.outcome?.baselineLabel).toBe('production (last release)');
    // … but these results carry no engine, so there is nothing to ship: the release fails closed.
    expect(lenient.fileOutputs.verdict).toBe('fail');
    expect(lenient.fileOutputs['release-path']).toBeUndefined();
    expect(lenient.outcome?.release?.refused).toMatch(
      /^nothing released: run cand-1 \(NVIDIA A10G\): tinycnn\/fp16\/b1 has no engine recorded/,
    );
  }, 60_000);
});
