import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Input } from '../../action/names.js';
import { parseStoreFile } from '../../src/store/file-format.js';
import { FakeGitHub } from './helpers/github-server.js';
import { benchResults, writeJson } from './helpers/results.js';
import { PROJECT_ROOT, Sandbox } from './helpers/sandbox.js';

/**
 * The action as GitHub runs it: `uses: owner/repo@ref` downloads the repository's files (no
 * node_modules) into the runner's _actions directory; the composite step installs the
 * dependencies and runs `node "$GITHUB_ACTION_PATH/action/index.js"` with INPUT_* variables.
 */
let actionPath: string;
let installedBy: 'npm ci --offline' | 'symlink';
let sandbox: Sandbox;
let github: FakeGitHub;

beforeAll(async () => {
  actionPath = await mkdtemp(join(tmpdir(), 'trt-gate-action-path-'));
  // What a checkout of the ref holds: the tracked (and not-ignored) files, without node_modules.
  const { stdout } = await execa('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: PROJECT_ROOT,
  });
  const files = String(stdout)
    .split('\0')
    .filter((f) => f && !f.startsWith('node_modules/'));
  for (const file of files) {
    await mkdir(dirname(join(actionPath, file)), { recursive: true });
    await cp(join(PROJECT_ROOT, file), join(actionPath, file)).catch(() => {}); // deleted but still listed
  }
  // The install step, offline from the npm cache when it can; where the cache lacks a package
  // (no network in the test), the project's installed node_modules stands in for it.
  const install = await execa(
    'npm',
    ['ci', '--omit=dev', '--no-audit', '--no-fund', '--offline', '--prefix', actionPath],
    { reject: false, timeout: 120_000, env: { npm_config_update_notifier: 'false' } },
  );
  if (install.exitCode === 0) installedBy = 'npm ci --offline';
  else {
    await rm(join(actionPath, 'node_modules'), { recursive: true, force: true });
    await symlink(join(PROJECT_ROOT, 'node_modules'), join(actionPath, 'node_modules'), 'dir');
    installedBy = 'symlink';
  }
  sandbox = await Sandbox.create();
  github = new FakeGitHub();
  await github.start();
}, 180_000);

afterAll(async () => {
  await github?.stop();
  await sandbox?.cleanup();
  await rm(actionPath, { recursive: true, force: true });
});

/** Runs the launcher as the composite step does, from a directory that is not the action's. */
async function launch(env: Record<string, string>) {
  const result = await execa(process.execPath, [join(actionPath, 'action', 'index.js')], {
    cwd: sandbox.workspace,
    // Only what a runner provides: no inherited INPUT_* or GITHUB_* from the test's environment.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      GITHUB_ACTION_PATH: actionPath,
      ...env,
    },
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 120_000,
  });
  return { exitCode: result.exitCode, output: String(result.all ?? ''), outputs: await Sandbox.outputs(env) };
}

it('runs from a clean copy of the repository through its JS launcher', async () => {
  const file = await writeJson(join(sandbox.workspace, 'solo.json'), benchResults({ runId: 'solo' }));
  const run = await launch(
    await sandbox.env({
      event: 'pull_request.json',
      eventName: 'pull_request',
      apiUrl: github.url,
      inputs: { [Input.resultsFiles]: file },
    }),
  );
  expect(run.exitCode, `${installedBy}\n${run.output}`).toBe(0);
  expect(run.outputs).toMatchObject({ verdict: 'neutral', regressions: '0' });
  expect(github.comments.get(42)).toHaveLength(1);
  expect(github.checkRuns).toHaveLength(1);
}, 120_000);

it('lands both of two concurrent baseline runs (separate processes racing on the data branch)', async () => {
  const a = await writeJson(
    join(sandbox.workspace, 'a.json'),
    benchResults({ runId: 'push-run', createdAt: '2025-03-01T10:00:00Z' }),
  );
  const b = await writeJson(
    join(sandbox.workspace, 'b.json'),
    benchResults({ runId: 'nightly-run', createdAt: '2025-03-01T10:00:01Z', models: ['tinycnn', 'mlp'] }),
  );
  const [push, nightly] = await Promise.all([
    launch(
      await sandbox.env({
        event: 'push.json',
        eventName: 'push',
        apiUrl: github.url,
        inputs: { [Input.mode]: 'baseline', [Input.resultsFiles]: a, [Input.resultsDir]: 'out-a' },
      }),
    ),
    launch(
      await sandbox.env({
        event: 'schedule.json',
        eventName: 'schedule',
        apiUrl: github.url,
        inputs: { [Input.mode]: 'baseline', [Input.resultsFiles]: b, [Input.resultsDir]: 'out-b' },
      }),
    ),
  ]);
  expect(push.exitCode, push.output).toBe(0);
  expect(nightly.exitCode, nightly.output).toBe(0);
  const files = await sandbox.remoteFiles();
  const tinycnn = files.find((f) => f.includes('/tinycnn/'))!;
  const mlp = files.find((f) => f.includes('/mlp/'))!;
  const tinyRuns = parseStoreFile((await sandbox.remoteFile(tinycnn))!, tinycnn).runs.map((r) => r.runId);
  expect(tinyRuns.sort()).toEqual(['nightly-run', 'push-run']);
  expect(parseStoreFile((await sandbox.remoteFile(mlp))!, mlp).runs.map((r) => r.runId)).toEqual([
    'nightly-run',
  ]);
}, 120_000);

it('fails the step with exit 1 on a regression', async () => {
  const slow = await writeJson(
    join(sandbox.workspace, 'slow.json'),
    benchResults({ runId: 'slow', scale: 2 }),
  );
  const run = await launch(
    await sandbox.env({
      event: 'pull_request.json',
      eventName: 'pull_request',
      apiUrl: github.url,
      inputs: { [Input.resultsFiles]: slow },
    }),
  );
  expect(run.exitCode, run.output).toBe(1);
  expect(run.output).toMatch(/::error::trt-gate: the regression gate failed/);
  expect(run.outputs.verdict).toBe('fail');
}, 120_000);
