import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Input } from '../../action/names.js';
import { FakeGitHub } from './helpers/github-server.js';
import { benchResults, writeJson } from './helpers/results.js';
import { PROJECT_ROOT, Sandbox } from './helpers/sandbox.js';

/**
 * The action as GitHub runs it: `uses: owner/repo@ref` downloads the repository's tracked files
 * (no node_modules) into the runner's _actions directory and runs `node action/dist/index.js`
 * (action.yml: `runs: using: node24`) with INPUT_* variables. No install step, no npm, no registry:
 * HOME and npm's configuration point at empty places, and the tool cache must stay empty.
 */
let actionPath: string;
let sandbox: Sandbox;
let github: FakeGitHub;
let nowhere: string;

beforeAll(async () => {
  actionPath = await mkdtemp(join(tmpdir(), 'trt-gate-action-path-'));
  nowhere = await mkdtemp(join(tmpdir(), 'trt-gate-action-nowhere-'));
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
  expect(existsSync(join(actionPath, 'node_modules'))).toBe(false);
  sandbox = await Sandbox.create();
  github = new FakeGitHub();
  await github.start();
}, 180_000);

afterAll(async () => {
  await github?.stop();
  await sandbox?.cleanup();
  await rm(actionPath, { recursive: true, force: true });
  await rm(nowhere, { recursive: true, force: true });
});

/** Runs the bundle as the runner does, from a directory that is not the action's. */
async function launch(env: Record<string, string>) {
  const toolCache = join(nowhere, 'tool-cache');
  await mkdir(toolCache, { recursive: true });
  const result = await execa(process.execPath, [join(actionPath, 'action', 'dist', 'index.js')], {
    cwd: sandbox.workspace,
    // Only what a runner provides: no inherited INPUT_* or GITHUB_* from the test's environment,
    // and nothing that could reach a package registry.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: join(nowhere, 'home'),
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_offline: 'true',
      npm_config_cache: join(nowhere, 'npm-cache'),
      NODE_PATH: '',
      RUNNER_TOOL_CACHE: toolCache,
      GITHUB_ACTION_PATH: actionPath,
      ...env,
    },
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 120_000,
  });
  return {
    exitCode: result.exitCode,
    output: String(result.all ?? ''),
    outputs: await Sandbox.outputs(env),
    installed: await readdir(toolCache),
  };
}

it('aggregates four results files with no node_modules and no network: one comment, one check, nothing installed', async () => {
  const devices = [
    'NVIDIA A10G (sm 8.6)',
    'NVIDIA L4 (sm 8.9)',
    'NVIDIA A100 (sm 8.0)',
    'NVIDIA H100 (sm 9.0)',
  ];
  const files: string[] = [];
  for (const [i, device] of devices.entries()) {
    files.push(
      await writeJson(join(sandbox.workspace, `matrix-${i}.json`), benchResults({ runId: `m${i}`, device })),
    );
  }
  // A GitHub stand-in of its own: everything it records is this job's.
  const own = new FakeGitHub();
  await own.start();
  try {
    const run = await launch(
      await sandbox.env({
        event: 'pull_request.json',
        eventName: 'pull_request',
        apiUrl: own.url,
        inputs: { [Input.mode]: 'aggregate', [Input.resultsFiles]: files.join('\n') },
      }),
    );
    expect(run.exitCode, run.output).toBe(0);
    expect(run.outputs['results-path']).toMatch(/aggregate\.json$/);
    expect(run.installed, 'aggregate installs nothing').toEqual([]);
    expect([...own.comments.values()].flat()).toHaveLength(1);
    expect(own.checkRuns).toHaveLength(1);
    const body = own.comments.get(42)![0]!.body;
    for (const device of devices) expect(body).toContain(device.split(' (')[0]);
  } finally {
    await own.stop();
  }
}, 120_000);

it('runs a gate-only pr job (results files) from the clean copy', async () => {
  const file = await writeJson(join(sandbox.workspace, 'solo.json'), benchResults({ runId: 'solo' }));
  const run = await launch(
    await sandbox.env({
      event: 'pull_request.json',
      eventName: 'pull_request',
      apiUrl: github.url,
      inputs: { [Input.resultsFiles]: file },
    }),
  );
  expect(run.exitCode, run.output).toBe(0);
  expect(run.installed).toEqual([]);
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
  expect((await sandbox.remoteRunIds('/tinycnn/')).sort()).toEqual(['nightly-run', 'push-run']);
  expect(await sandbox.remoteRunIds('/mlp/')).toEqual(['nightly-run']);
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
