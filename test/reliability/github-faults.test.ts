/**
 * Cases 2, 3, 4 and 15 (issue 10), through the local GitHub API stand-in: rate limits are retried
 * and never read as refusals, 5xx is retried, a real 403 falls back to a commit status, check output
 * fits GitHub's byte limit, a quoted marker is not ours, and a glob counts matches.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { publishCheck } from '../../action/github/check.js';
import { commentMarker, upsertStickyComment } from '../../action/github/comment.js';
import { resolveCommentAuthor } from '../../action/github/identity.js';
import { createOctokit } from '../../action/github/octokit.js';
import { expandResultsFiles } from '../../action/results-files.js';
import { FakeGitHub, type FakeGitHubOptions, type Fault } from '../action/helpers/github-server.js';
import { tempDir } from '../helpers/tiny-config.js';

let github: FakeGitHub | undefined;
afterEach(async () => {
  await github?.stop();
  github = undefined;
});
const quiet = { info: () => {}, notice: () => {}, warning: () => {} };

async function start(options: FakeGitHubOptions = {}) {
  github = new FakeGitHub(options);
  await github.start();
  return createOctokit(
    options.users ? Object.keys(options.users)[0]! : 'ghs_installation',
    github.url,
    quiet,
  );
}

const check = (summary = 'ok') => ({
  owner: 'o',
  repo: 'r',
  sha: 'a'.repeat(40),
  name: 'trt-gate',
  conclusion: 'success' as const,
  title: 'all good',
  summary,
});
const SECONDARY: Omit<Fault, 'times'> = {
  method: 'POST',
  path: /check-runs$/,
  status: 403,
  message: 'You have exceeded a secondary rate limit. Please wait a few minutes.',
  headers: { 'retry-after': '0.01' },
};

describe('case 4: rate limits are not refusals', () => {
  it('a secondary rate limit on check runs is retried and then succeeds', async () => {
    const api = await start({ faults: [{ ...SECONDARY, times: 2 }] });
    expect((await publishCheck(api, check())).kind).toBe('check-run');
    expect(github!.statuses).toEqual([]);
  });

  it('a persistent rate limit fails loudly: no commit-status fallback', async () => {
    const api = await start({ faults: [{ ...SECONDARY, times: 10 }] });
    await expect(publishCheck(api, check())).rejects.toMatchObject({ status: 403 });
    expect(github!.statuses).toEqual([]);
  });

  it('a 429 is not a refusal either', async () => {
    const api = await start({
      faults: [{ method: 'POST', path: /check-runs$/, status: 429, message: 'Too Many Requests', times: 10 }],
    });
    await expect(publishCheck(api, check())).rejects.toBeDefined();
    expect(github!.statuses).toEqual([]);
  }, 30_000);

  it('a real permission refusal (403) falls back to a commit status', async () => {
    const api = await start({ noChecks: ['ghs_installation'] });
    expect((await publishCheck(api, check())).kind).toBe('commit-status');
  });

  it('a 5xx is retried', async () => {
    const api = await start({
      faults: [{ method: 'POST', path: /check-runs$/, status: 502, message: 'Bad Gateway', times: 1 }],
    });
    expect((await publishCheck(api, check())).kind).toBe('check-run');
  }, 30_000);

  it('a rate-limited GET /user with a personal token is not read as "installation token"', async () => {
    const reset = String(Math.floor(Date.now() / 1000) - 10);
    const api = await start({
      users: { ghp_person: 'octocat' },
      faults: [
        {
          method: 'GET',
          path: /^\/user$/,
          status: 403,
          message: 'API rate limit exceeded for user ID 1.',
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
          times: 10,
        },
      ],
    });
    await expect(resolveCommentAuthor(api)).rejects.toMatchObject({ status: 403 });
  });
});

describe('case 3: check output is limited in UTF-8 bytes', () => {
  it('a report of 1,500 rows with multi-byte characters still posts, cut with a note', async () => {
    const api = await start();
    // `·` is two bytes in UTF-8, `✅` three: about 1.6 bytes per character.
    const rows = Array.from({ length: 1500 }, (_, i) => `| ✅ model-${i} | ${'· '.repeat(10)}|`);
    const summary = `# trt-gate\n\n${rows.join('\n')}\n`;
    expect(summary.length).toBeLessThan(65_535); // a cut in characters would not have been enough
    expect(Buffer.byteLength(summary)).toBeGreaterThan(65_535);
    await publishCheck(api, { ...check(summary), detailsUrl: 'https://github.com/o/r/actions/runs/1' });
    const posted = String((github!.checkRuns[0]!.output as { summary: string }).summary);
    expect(Buffer.byteLength(posted)).toBeLessThanOrEqual(65_535);
    expect(posted).toMatch(/Truncated/);
    expect(posted).not.toMatch(/\uFFFD/);
  });
});

describe('case 15: sticky comment identity', () => {
  it('a comment by the same bot that quotes the marker is not overwritten', async () => {
    const api = await start();
    const marker = commentMarker('pr-abc');
    const other = github!.addComment(
      7,
      'github-actions[bot]',
      `Digest of today's bots:\n${marker}\nall green`,
    );
    const result = await upsertStickyComment(api, {
      owner: 'o',
      repo: 'r',
      issueNumber: 7,
      marker,
      author: 'github-actions[bot]',
      body: `${marker}\nreport`,
      create: true,
    });
    expect(result.action).toBe('created');
    expect(github!.comments.get(7)!.find((c) => c.id === other.id)!.body).toMatch(/^Digest/);
  });
});

describe('case 2: the results-files glob counts matches', () => {
  it('600 trace files beside a results.json do not hide another architecture', async () => {
    const { dir, cleanup } = await tempDir('trt-gate-rel-glob-');
    try {
      await mkdir(join(dir, 'a-ampere'), { recursive: true });
      await mkdir(join(dir, 'b-hopper'), { recursive: true });
      for (let i = 0; i < 600; i++) await writeFile(join(dir, 'a-ampere', `trace-${i}.json.txt`), '');
      await writeFile(join(dir, 'a-ampere', 'results.json'), '{}');
      await writeFile(join(dir, 'b-hopper', 'results.json'), '{}');
      expect(await expandResultsFiles(['**/results.json'], dir)).toEqual([
        join(dir, 'a-ampere', 'results.json'),
        join(dir, 'b-hopper', 'results.json'),
      ]);
    } finally {
      await cleanup();
    }
  });
});
