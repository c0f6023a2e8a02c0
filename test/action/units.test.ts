import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baselineWritePolicy, branchOf, type GitHubContext, readContext } from '../../action/context.js';
import { checkConclusion } from '../../action/github/check.js';
import { commentMarker, defaultCommentKey, isOwnComment } from '../../action/github/comment.js';
import { readInputs } from '../../action/inputs.js';
import { sanitizeLogLine } from '../../action/main.js';
import { Input, inputEnvName } from '../../action/names.js';
import { commentDecision } from '../../action/publish.js';
import { renderReports } from '../../action/report.js';
import { expandResultsFiles, globToRegExp, loadResultsFile } from '../../action/results-files.js';
import { namespacePath } from '../../action/store.js';
import { DataError, UsageError } from '../../src/errors.js';
import { benchResults, writeJson } from './helpers/results.js';
import { FIXTURES, FORK_HEAD_SHA, HEAD_SHA } from './helpers/sandbox.js';

const env = (inputs: Record<string, string>) =>
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputEnvName(k), v]));

describe('inputs', () => {
  it('applies the defaults', () => {
    expect(readInputs({})).toMatchObject({
      config: 'trt-gate.yml',
      mode: 'pr',
      store: 'git-branch',
      dataBranch: undefined,
      comment: 'always',
      check: true,
      checkName: 'trt-gate',
      failOn: undefined,
      resultsDir: 'trt-gate-results',
      resultsFiles: [],
      maxResultsBytes: 20 * 1024 * 1024,
    });
  });

  it('parses lists and accepts @actions/core spelling of names', () => {
    const inputs = readInputs({
      ...env({ [Input.failOn]: 'regressed, failed inconclusive', [Input.check]: 'false' }),
      INPUT_RESULTS_FILES: 'a/results.json\n# comment\n\n  b/**/results.json  ',
      'INPUT_GITHUB-TOKEN': 'tok',
    });
    expect(inputs.failOn).toEqual(['regressed', 'failed', 'inconclusive']);
    expect(inputs.check).toBe(false);
    expect(inputs.resultsFiles).toEqual(['a/results.json', 'b/**/results.json']);
    expect(inputs.githubToken).toBe('tok');
  });

  it('reports every invalid input at once', () => {
    const attempt = () =>
      readInputs(
        env({
          [Input.mode]: 'deploy',
          [Input.comment]: 'sometimes',
          [Input.failOn]: 'slower',
          [Input.commentKey]: 'x -->',
          [Input.maxResultsMb]: '-1',
        }),
      );
    expect(attempt).toThrow(UsageError);
    try {
      attempt();
    } catch (error) {
      const lines = (error as Error).message.split('\n');
      expect(lines).toHaveLength(5);
      expect(lines[0]).toMatch(/unknown verdict "slower"/);
    }
    expect(() => readInputs(env({ [Input.mode]: 'aggregate' }))).toThrow(/mode aggregate needs/);
  });
});

describe('context', () => {
  const base = {
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '9',
    GITHUB_SERVER_URL: 'https://github.com',
  };

  it('reads a pull_request payload, and a fork pull request', () => {
    const same = readContext({
      ...base,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(FIXTURES, 'pull_request.json'),
    });
    expect(same.pullRequest).toMatchObject({ number: 42, head: { sha: HEAD_SHA }, base: { ref: 'main' } });
    expect(same.defaultBranch).toBe('main');
    expect(same.runUrl).toBe('https://github.com/octo-org/octo-repo/actions/runs/9');
    const fork = readContext({
      ...base,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(FIXTURES, 'pull_request_fork.json'),
    });
    expect(fork.pullRequest?.head.repo?.full_name).toBe('forker/octo-repo');
  });

  it('reads a workflow_run payload', () => {
    const ctx = readContext({
      ...base,
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_EVENT_PATH: join(FIXTURES, 'workflow_run.json'),
    });
    expect(ctx.workflowRun).toMatchObject({ head_sha: FORK_HEAD_SHA, event: 'pull_request' });
    expect(ctx.pullRequest).toBeUndefined();
  });

  it('refuses a malformed payload for the event it claims to be', () => {
    expect(() =>
      readContext({
        ...base,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: join(FIXTURES, 'push.json'),
      }),
    ).toThrow(/pull_request event payload is not shaped as expected/);
  });

  it('allows baseline recording only from trusted events', () => {
    const ctx = (eventName: string, ref: string, defaultBranch = 'main') =>
      ({ eventName, ref, defaultBranch }) as GitHubContext;
    expect(baselineWritePolicy(ctx('push', 'refs/heads/main'))).toEqual({ branch: 'main' });
    expect(baselineWritePolicy(ctx('workflow_dispatch', 'refs/heads/main'))).toEqual({ branch: 'main' });
    expect(baselineWritePolicy(ctx('schedule', 'refs/heads/main', undefined as never))).toEqual({
      branch: 'main',
    });
    expect(baselineWritePolicy(ctx('release', 'refs/tags/v1'))).toEqual({ production: true });
    for (const refused of [
      ctx('pull_request', 'refs/pull/1/merge'),
      ctx('pull_request_target', 'refs/heads/main'),
      ctx('push', 'refs/heads/feature'),
      ctx('workflow_dispatch', 'refs/heads/dev'),
      ctx('workflow_run', 'refs/heads/main'),
      ctx('issue_comment', 'refs/heads/main'),
    ]) {
      expect(() => baselineWritePolicy(refused), refused.eventName).toThrow(UsageError);
    }
    expect(branchOf('refs/tags/v1')).toBeUndefined();
  });

  it('keeps namespaces inside the store whatever the branch is called', () => {
    expect(namespacePath({ branch: 'main' })).toBe('branches/main');
    expect(namespacePath({ branch: '../../etc/$(x)' })).toBe('branches/etc-x');
    expect(namespacePath({ production: true })).toBe('production');
  });
});

describe('sticky comment helpers', () => {
  it('matches only our marker, on its own line, by our author', () => {
    const marker = commentMarker('pr-abc');
    expect(marker).toBe('<!-- trt-gate:report key=pr-abc -->');
    const own = { id: 1, body: `${marker}\nreport`, user: { login: 'GitHub-Actions[bot]' } };
    expect(isOwnComment(own, marker, 'github-actions[bot]')).toBe(true);
    expect(isOwnComment({ ...own, user: { login: 'mallory' } }, marker, 'github-actions[bot]')).toBe(false);
    expect(isOwnComment({ ...own, body: `quoting ${marker} inline` }, marker, 'github-actions[bot]')).toBe(
      false,
    );
    expect(
      isOwnComment({ ...own, body: '<!-- trt-gate:report key=other -->' }, marker, 'github-actions[bot]'),
    ).toBe(false);
    expect(() => commentMarker('x --> <b>')).toThrow();
    expect(defaultCommentKey('CI', 'trt-gate.yml', 'pr')).toMatch(/^pr-[0-9a-f]{12}$/);
    expect(defaultCommentKey('CI', 'trt-gate.yml', 'pr')).not.toBe(
      defaultCommentKey('CI', 'other.yml', 'pr'),
    );
  });

  it('decides when to comment and how the check concludes', () => {
    const results = (verdicts: string[]) =>
      [{ comparisons: verdicts.map((verdict) => ({ verdict })) }] as never;
    expect(commentDecision('always', results(['unchanged']))).toBe('upsert');
    expect(commentDecision('on-change', results(['unchanged', 'unchanged']))).toBe('update-only');
    expect(commentDecision('on-change', results(['unchanged', 'improved']))).toBe('upsert');
    expect(commentDecision('never', results(['regressed']))).toBe('skip');
    expect(checkConclusion('fail')).toBe('failure');
    expect(checkConclusion('neutral')).toBe('neutral');
    expect(checkConclusion('pass')).toBe('success');
  });

  it('escapes the branch name in the comment footer and keeps the marker first', () => {
    const results = {
      ...benchResults({ runId: 'r' }),
      comparisons: [],
      gate: { conclusion: 'neutral' as const, failOn: [], counts: {}, failing: [] },
    };
    const reports = renderReports([results], {
      marker: commentMarker('k'),
      mode: 'pr',
      baselineLabel: 'branch [x](https://e.vil)<img src=x>@team',
      runUrl: 'javascript:alert(1)',
    });
    expect(reports.comment.startsWith('<!-- trt-gate:report key=k -->\n')).toBe(true);
    expect(reports.comment).not.toMatch(/\[x\]\(https|<img|@team|javascript:/);
    expect(reports.full).not.toContain('<!-- trt-gate:report key=k -->');
  });

  it('keeps untrusted text from forming workflow commands in the log', () => {
    expect(sanitizeLogLine('model\n::set-output name=x::1')).not.toMatch(/\n|::/);
  });
});

describe('results files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trt-gate-files-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('expands globs (*, ?, **) and plain paths, sorted and without duplicates', async () => {
    for (const p of [
      'a/sm86/results.json',
      'a/sm89/results.json',
      'a/sm89/deep/x/results.json',
      'a/other.json',
    ]) {
      await mkdir(join(dir, p, '..'), { recursive: true });
      await writeFile(join(dir, p), '{}');
    }
    expect(await expandResultsFiles(['a/**/results.json', 'a/sm86/results.json'], dir)).toEqual(
      ['a/sm86/results.json', 'a/sm89/deep/x/results.json', 'a/sm89/results.json'].map((p) => join(dir, p)),
    );
    expect(await expandResultsFiles(['a/sm8?/*.json'], dir)).toHaveLength(2);
    await expect(expandResultsFiles(['nothing/**/*.json'], dir)).rejects.toThrow(/no file matches/);
    await expect(expandResultsFiles(['a/{x,y}/*.json'], dir)).rejects.toThrow(/only \*, \? and \*\*/);
    expect(globToRegExp('/x/**/r.json').test('/x/r.json')).toBe(true);
    expect(globToRegExp('/x/*.json').test('/x/y/r.json')).toBe(false);
  });

  it('validates a results file: size limit, schema, no links; drops a carried gate', async () => {
    const good = await writeJson(join(dir, 'good.json'), {
      ...benchResults({ runId: 'g' }),
      gate: { conclusion: 'pass', failOn: [], counts: {}, failing: [] },
    });
    const loaded = await loadResultsFile(good, 20 * 1024 * 1024);
    expect(loaded.runId).toBe('g');
    expect(loaded.gate).toBeUndefined();
    await expect(loadResultsFile(good, 100)).rejects.toThrow(/over the 100-byte limit/);
    const bad = await writeJson(join(dir, 'bad.json'), { schemaVersion: 1, runId: 3 });
    await expect(loadResultsFile(bad, 1e6)).rejects.toBeInstanceOf(DataError);
    await symlink(good, join(dir, 'link.json'));
    await expect(loadResultsFile(join(dir, 'link.json'), 1e6)).rejects.toThrow(/not a regular file/);
    await expect(loadResultsFile(join(dir, 'missing.json'), 1e6)).rejects.toThrow(/file not found/);
  });
});
