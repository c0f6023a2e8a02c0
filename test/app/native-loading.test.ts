import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchResults, writeJson } from '../action/helpers/results.js';
import { FIXTURES, GATE_CONFIG } from '../action/helpers/sandbox.js';
import { REPO_ROOT, tempDir } from '../helpers/tiny-config.js';

/**
 * onnxruntime-node is a native library: commands and Action modes that run no model must never
 * load it. Each case runs in a child process with a preload that reads /proc/self/maps at exit.
 */
const PROBE = join(REPO_ROOT, 'test', 'helpers', 'native-probe.cjs');
const linux = process.platform === 'linux';

let dir: string;
let cleanup: () => Promise<void>;
let results: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-native-'));
  results = await writeJson(join(dir, 'results.json'), benchResults({ runId: 'r1' }));
  await writeFile(join(dir, 'trt-gate.yml'), GATE_CONFIG);
});
afterAll(() => cleanup());

async function probe(args: string[], env: Record<string, string> = {}) {
  const out = join(dir, `probe-${Math.random().toString(36).slice(2)}.txt`);
  const child = await execa('node', ['--require', PROBE, ...args], {
    cwd: dir,
    env: { ...env, TRT_GATE_NATIVE_PROBE: out, NO_COLOR: '1' },
    extendEnv: true,
    reject: false,
  });
  return { exitCode: child.exitCode, stderr: String(child.stderr), native: await readFile(out, 'utf8') };
}

const bin = join(REPO_ROOT, 'bin', 'trt-gate.js');

describe.skipIf(!linux)('native ONNX Runtime is loaded only by what runs a model', () => {
  it('the probe sees onnxruntime-node when it is loaded (control)', async () => {
    const control = await probe(['-e', "require('onnxruntime-node')"], {
      NODE_PATH: join(REPO_ROOT, 'node_modules'),
    });
    expect(control.native).toBe('loaded');
  });

  it.each([
    ['--help', ['--help']],
    ['schema', ['schema']],
    ['report', ['report', '--from', 'results.json']],
    ['compare', ['compare', '--baseline', 'results.json', '--candidate', 'results.json', '--out', 'cmp']],
    ['baseline save', ['baseline', 'save', '--from', 'results.json', '--store', 'store']],
    ['baseline list', ['baseline', 'list', '--store', 'store']],
  ])('trt-gate %s', async (_name, args) => {
    const run = await probe([bin, ...args]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.native).toBe('not loaded');
  });

  it("the Action's aggregate mode (gate and publish from results files)", async () => {
    const workspace = join(dir, 'ws');
    await mkdir(workspace, { recursive: true });
    await writeFile(join(workspace, 'trt-gate.yml'), GATE_CONFIG);
    const run = await probe([join(REPO_ROOT, 'action', 'dist', 'index.js')], {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(FIXTURES, 'pull_request.json'),
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_WORKSPACE: workspace,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'http://127.0.0.1:9',
      RUNNER_TEMP: dir,
      INPUT_MODE: 'aggregate',
      INPUT_STORE: 'filesystem',
      INPUT_RESULTS_FILES: results,
      INPUT_GITHUB_TOKEN: '',
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.native).toBe('not loaded');
  });
});
