import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Input } from '../../action/names.js';
import { main } from '../../src/cli/main.js';
import type { BaselineKey } from '../../src/results/schema.js';
import { fakeIO } from '../helpers/fake-io.js';
import { FakeGitHub } from './helpers/github-server.js';
import { benchResults, writeJson } from './helpers/results.js';
import { runAction } from './helpers/run-action.js';
import { Sandbox } from './helpers/sandbox.js';

/**
 * The CLI and the Action share one store layout: what one records in a namespace of a git-branch
 * store on a (bare, local) remote, the other reads.
 */

let sandbox: Sandbox;
let github: FakeGitHub;

beforeEach(async () => {
  sandbox = await Sandbox.create();
  github = new FakeGitHub();
  await github.start();
});
afterEach(async () => {
  await github.stop();
  await sandbox.cleanup();
});

async function resultsFile(name: string, ...args: Parameters<typeof benchResults>): Promise<string> {
  const dir = join(sandbox.workspace, 'in');
  await mkdir(dir, { recursive: true });
  return writeJson(join(dir, name), benchResults(...args));
}

async function cli(args: string[]) {
  const f = fakeIO({ cwd: sandbox.workspace });
  const code = await main(args, f.io);
  return { code, stdout: f.stdout, stderr: f.stderr };
}

const storeFlags = () => ['--store', 'git-branch', '--data-remote', sandbox.remote, '--namespace', 'main'];

describe('one store layout for the CLI and the Action', () => {
  it('a baseline the CLI saved is what the Action compares a pull request with', async () => {
    const base = await resultsFile('base.json', { runId: 'cli-base' });
    const saved = await cli(['baseline', 'save', '--from', base, ...storeFlags()]);
    expect(saved.stderr).toBe('');
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain('branch main');

    const candidate = await resultsFile('pr.json', { runId: 'pr-1' });
    const env = await sandbox.env({
      event: 'pull_request.json', // base branch main
      eventName: 'pull_request',
      apiUrl: github.url,
      inputs: { [Input.resultsFiles]: candidate },
      sha: 'f'.repeat(40),
      ref: 'refs/pull/42/merge',
    });
    const run = await runAction(env);
    expect(run.error).toBeUndefined();
    const [comparison] = run.outcome!.compared[0]!.comparisons!;
    expect(comparison!.entryId).toBe('tinycnn/fp16/b1');
    expect(comparison!.verdict).not.toBe('no-baseline');
    expect(comparison!.baselineRuns).toBe(1);
    const p50 = comparison!.metrics.find((m) => m.metric === 'latency.p50');
    expect([p50?.verdict, p50?.baseline]).toEqual(['unchanged', p50?.candidate]);
  });

  it('a baseline the Action recorded is what `trt-gate baseline list` shows', async () => {
    const base = await resultsFile('base.json', { runId: 'action-base' });
    const env = await sandbox.env({
      event: 'push.json', // a push to main: a trusted event
      eventName: 'push',
      apiUrl: github.url,
      inputs: { [Input.mode]: 'baseline', [Input.resultsFiles]: base },
    });
    const recorded = await runAction(env);
    expect(recorded.error).toBeUndefined();
    expect(recorded.outcome!.appended![0]!.written).toHaveLength(1);

    const listed = await cli(['baseline', 'list', '--json', ...storeFlags()]);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const keys = JSON.parse(listed.stdout) as BaselineKey[];
    expect(keys.map((k) => [k.model, k.precision, k.device])).toEqual([
      ['tinycnn', 'fp16', 'NVIDIA A10G (sm 8.6)'],
    ]);
    // Another namespace holds nothing: namespaces are kept apart.
    const other = await cli(['baseline', 'list', '--json', ...storeFlags().slice(0, -1), 'release/1.0']);
    expect(JSON.parse(other.stdout)).toEqual([]);
  });
});
