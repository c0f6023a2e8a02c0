import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitHubIssueTracker, listTrackedIssues } from '../../action/github/issues.js';
import { createOctokit } from '../../action/github/octokit.js';
import { analyseHistory, trackRegressions } from '../../src/app/history.js';
import { InMemoryBaselineStore } from '../../src/store/memory-store.js';
import { mulberry32, normalSource } from '../../src/util/prng.js';
import { type NightlyPlan, nightlyResults } from '../history/nightly.js';
import { FakeGitHub } from './helpers/github-server.js';

const ref = { owner: 'octo-org', repo: 'octo-repo' };
const log = { info: () => {}, notice: () => {}, warning: () => {} };

/** An 8 % latency step at run 20 that a fix at run 31 takes back. */
const plan: NightlyPlan = {
  runs: 40,
  level: (run) => (run >= 20 && run < 31 ? 2.16 : 2),
  runtime: () => 'tensorrt 10.3.0 / driver 550.54',
};

let github: FakeGitHub;
beforeAll(async () => {
  github = new FakeGitHub();
  await github.start();
});
afterAll(async () => github.stop());

describe('nightly regression issues against the GitHub API stand-in', () => {
  it('opens one issue for the step, comments as runs confirm it, closes it after recovery', async () => {
    const api = createOctokit('installation-token', github.url, log);
    const store = new InMemoryBaselineStore();
    const normal = normalSource(mulberry32(5));
    let written = 0;
    const night = async (upTo: number) => {
      while (written < upTo) {
        written++;
        await store.append(nightlyResults(written, plan, normal), { historySize: 100 });
      }
      return trackRegressions(
        await analyseHistory(store),
        gitHubIssueTracker(api, ref, 'github-actions[bot]'),
      );
    };

    expect(await night(19)).toEqual({ opened: [], commented: [], closed: [] });
    const first = await night(24);
    expect(first.opened).toHaveLength(1);
    expect(github.issues).toHaveLength(1);
    const issue = github.issues[0]!;
    expect(issue.labels.map((l) => l.name)).toEqual(['trt-gate', 'performance-regression']);
    expect(issue.title).toMatch(/resnet50\/fp16\/b8 latency\.p50 \+[78]\.\d %/);
    expect(issue.body).toMatch(/from run (19|20|21) on/);
    expect(issue.body).toMatch(/Confirmed by \d+ runs/);

    // The same step a night later: no second issue; more runs confirm it: one comment.
    const second = await night(27);
    expect(second.opened).toEqual([]);
    expect(second.commented).toEqual([issue.number]);
    expect(github.comments.get(issue.number)?.at(-1)?.body).toMatch(/Still there after \d+ runs/);
    expect(await night(27)).toEqual({ opened: [], commented: [], closed: [] });

    // Recovery at run 31: once it is a lasting level, the issue closes.
    const recovered = await night(40);
    expect(recovered.closed).toEqual([issue.number]);
    expect(recovered.opened).toEqual([]);
    expect(issue.state).toBe('closed');
    expect(github.comments.get(issue.number)?.at(-1)?.body).toMatch(/Recovered: from run 3[0-2] on/);
    expect(github.issues).toHaveLength(1);
    expect(await night(40)).toEqual({ opened: [], commented: [], closed: [] });
  }, 120_000);

  it('never touches an issue someone else wrote, even with our marker', async () => {
    const api = createOctokit('installation-token', github.url, log);
    const tracked = await listTrackedIssues(api, ref, 'someone-else');
    expect(tracked).toEqual([]);
  });
});
