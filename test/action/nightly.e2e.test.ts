import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Input } from '../../action/names.js';
import { mulberry32, normalSource } from '../../src/util/prng.js';
import { type NightlyPlan, nightlyResults } from '../history/nightly.js';
import { FakeGitHub } from './helpers/github-server.js';
import { writeJson } from './helpers/results.js';
import { runAction } from './helpers/run-action.js';
import { type EventName, Sandbox } from './helpers/sandbox.js';

/**
 * The nightly flow through the Action's entry: the baseline mode appends results files (no
 * inference) to a data branch in a bare repository, then the history step opens, confirms and
 * closes one regression issue on a local GitHub stand-in and publishes the dashboard to the branch.
 */

const SUMMARY_FILE = join(tmpdir(), `trt-gate-nightly-summary-${process.pid}.md`);

/** An 8 % latency step at run 20 that a fix at run 31 takes back. */
const plan: NightlyPlan = {
  runs: 40,
  level: (run) => (run >= 20 && run < 31 ? 2.16 : 2),
  runtime: () => 'tensorrt 10.3.0 / driver 550.54',
};

const CONFIG = `version: 1
runner: { type: onnxruntime }
models:
  - name: resnet50
    onnx: models/resnet50.onnx
    inputs: [{ name: image, shape: [8, 3, 224, 224] }]
baseline:
  historySize: 60
`;

let sandbox: Sandbox;
let github: FakeGitHub;
beforeEach(async () => {
  sandbox = await Sandbox.create(SUMMARY_FILE);
  await writeFile(join(sandbox.workspace, 'trt-gate.yml'), CONFIG);
  github = new FakeGitHub();
  await github.start();
});
afterEach(async () => {
  await github.stop();
  await sandbox.cleanup();
});
afterAll(() => rm(SUMMARY_FILE, { force: true }));

const normal = normalSource(mulberry32(5));
let nextRun = 1;

/** The nightly runs up to `upTo` as results files, each as its own job would have uploaded it. */
async function nights(upTo: number): Promise<string> {
  const dir = join(sandbox.workspace, 'in');
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (; nextRun <= upTo; nextRun++) {
    files.push(await writeJson(join(dir, `nightly-${nextRun}.json`), nightlyResults(nextRun, plan, normal)));
  }
  return files.join('\n');
}

async function baselineRun(eventName: EventName, files: string, inputs: Record<string, string> = {}) {
  const env = await sandbox.env({
    event: `${eventName}.json`,
    eventName,
    apiUrl: github.url,
    inputs: { [Input.mode]: 'baseline', [Input.resultsFiles]: files, ...inputs },
  });
  const run = await runAction(env);
  expect(run.error).toBeUndefined();
  return run;
}

async function branchTip(): Promise<string> {
  const { stdout } = await execa('git', ['--git-dir', sandbox.remote, 'rev-parse', 'trt-gate-data']);
  return stdout.trim();
}

async function isAncestor(older: string, newer: string): Promise<boolean> {
  const r = await execa('git', ['--git-dir', sandbox.remote, 'merge-base', '--is-ancestor', older, newer], {
    reject: false,
  });
  return r.exitCode === 0;
}

describe('nightly mode through the Action entry', () => {
  it('opens one issue for a step, comments when runs confirm it, closes it on recovery; publishes the dashboard', async () => {
    nextRun = 1;
    // History before the step, recorded by pushes to main: no issues are managed there (auto).
    const seeded = await baselineRun('push', await nights(18));
    expect(seeded.exitCode).toBe(0);
    expect(github.writes()).toEqual([]);

    // The step lands (runs 19-24) on the nightly schedule: exactly one labelled issue.
    const first = await baselineRun('schedule', await nights(24), { [Input.publishDashboard]: 'docs' });
    // The step also regressed the gate's comparison (exit 1); the history step itself had no problem.
    expect(first.outcome?.problems ?? []).toEqual([]);
    expect(github.issues).toHaveLength(1);
    const issue = github.issues[0]!;
    expect(issue.state).toBe('open');
    expect(issue.labels.map((l) => l.name)).toEqual(['trt-gate', 'performance-regression']);
    expect(issue.title).toMatch(/^Performance regression: resnet50\/fp16\/b8 latency\.p50 \+[6-9]\.\d %/);
    expect(issue.body).toMatch(/from run (19|20|21) on/);
    expect(first.outcome?.nightly?.issues).toEqual({ opened: [issue.number], commented: [], closed: [] });
    expect(await sandbox.summary()).toContain(`opened #${issue.number}`);

    // The dashboard is on the data branch beside the baselines, which it leaves alone.
    const files = await sandbox.remoteFiles();
    expect(files).toContain('docs/index.html');
    expect(files.filter((f) => /^docs\/.*resnet50.*\.html$/.test(f))).toHaveLength(1);
    expect(files.some((f) => f.startsWith('baselines/branches/main/'))).toBe(true);
    const index = (await sandbox.remoteFile('docs/index.html'))!;
    expect(index).toContain("default-src 'none'");
    expect(index).toContain('resnet50');
    const afterFirst = await branchTip();

    // More runs confirm the step: one comment on the same issue, no second issue.
    const second = await baselineRun('schedule', await nights(27));
    expect(second.outcome?.nightly?.issues).toEqual({ opened: [], commented: [issue.number], closed: [] });
    expect(github.issues).toHaveLength(1);
    expect(github.comments.get(issue.number)?.at(-1)?.body).toMatch(/Still there after \d+ runs/);

    // The series recovers: the issue is closed, saying why; the dashboard is replaced, not forced.
    const third = await baselineRun('schedule', await nights(40), { [Input.publishDashboard]: 'docs' });
    expect(third.outcome?.nightly?.issues).toEqual({ opened: [], commented: [], closed: [issue.number] });
    expect(issue.state).toBe('closed');
    expect(github.comments.get(issue.number)?.at(-1)?.body).toMatch(/Recovered: from run 3[0-2] on/);
    expect(github.issues).toHaveLength(1);
    expect(await isAncestor(afterFirst, await branchTip())).toBe(true);
    expect((await sandbox.remoteFile('docs/index.html'))!).toContain('resnet50');
  }, 240_000);

  it('fails the step, naming why, when issues cannot be written (no issues: write)', async () => {
    nextRun = 1;
    await github.stop();
    github = new FakeGitHub({ readOnly: ['ghs_installation_token'] });
    await github.start();
    const env = await sandbox.env({
      event: 'schedule.json',
      eventName: 'schedule',
      apiUrl: github.url,
      inputs: { [Input.mode]: 'baseline', [Input.resultsFiles]: await nights(24) },
    });
    const run = await runAction(env);
    expect(run.exitCode).toBe(1);
    expect(run.outcome?.gate.conclusion).toBe('fail');
    expect(run.outcome?.gate.failing.join('\n')).toMatch(/could not manage regression issues/);
    expect(github.issues).toEqual([]);
    // The baselines were recorded all the same.
    expect((await sandbox.remoteFiles()).some((f) => f.startsWith('baselines/'))).toBe(true);
  }, 120_000);

  it('refuses the nightly inputs outside the baseline mode, and a dashboard directory outside the branch', async () => {
    const pr = await runAction(
      await sandbox.env({
        event: 'pull_request.json',
        eventName: 'pull_request',
        apiUrl: github.url,
        inputs: { [Input.publishDashboard]: 'docs', [Input.nightlyIssues]: 'true' },
      }),
    );
    expect(pr.exitCode).toBe(2);
    expect(pr.error).toContain('only the baseline mode publishes the dashboard');
    expect(pr.error).toContain('only the baseline mode manages regression issues');
    const outside = await runAction(
      await sandbox.env({
        event: 'schedule.json',
        eventName: 'schedule',
        apiUrl: github.url,
        inputs: { [Input.mode]: 'baseline', [Input.publishDashboard]: '../site' },
      }),
    );
    expect(outside.exitCode).toBe(2);
    expect(outside.error).toContain('input publish-dashboard: expected a relative directory');
    expect(github.writes()).toEqual([]);
  });
});
