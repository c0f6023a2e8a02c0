import { createHash } from 'node:crypto';
import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Input } from '../../action/names.js';
import { readPbtxt } from '../release/read-pbtxt.js';
import { FakeGitHub } from './helpers/github-server.js';
import { runAction } from './helpers/run-action.js';
import { PROJECT_ROOT, Sandbox } from './helpers/sandbox.js';

/**
 * The Action's release mode through its entry, with real inference (the onnxruntime runner, no
 * results-files): a published release records the production baseline (baseline mode); release
 * mode then gates a candidate against it and writes the Triton repository as `release-path`, or,
 * when something blocks it, writes nothing, fails the step and says why.
 */
const SUMMARY_FILE = join(tmpdir(), `trt-gate-release-summary-${process.pid}-${Date.now()}.md`);
const onnx = join(PROJECT_ROOT, 'examples', 'quickstart', 'models', 'tinycnn-fp32.onnx');
const CONFIG = `version: 1
runner: { type: onnxruntime, executionProvider: cpu, intraOpThreads: 1, interOpThreads: 1 }
models:
  - name: tinycnn
    onnx: ${JSON.stringify(onnx)}
    precisions: [fp32]
    inputs: [{ name: image, shape: [1, 3, 32, 32] }]
benchmark: { warmup: 2, iterations: 20, trials: 2 }
accuracy: { samples: 4 }
thresholds: { latency.p50: { model: percentage, maxRegressionPct: 100000 } }
`;

let sandbox: Sandbox;
let github: FakeGitHub;
beforeAll(async () => {
  sandbox = await Sandbox.create(SUMMARY_FILE);
  github = new FakeGitHub();
  await github.start();
});
afterAll(async () => {
  await github.stop();
  await sandbox.cleanup();
  await rm(SUMMARY_FILE, { force: true });
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

it('release mode writes the Triton repository of what passed, and nothing when an architecture is missing', async () => {
  await writeFile(join(sandbox.workspace, 'trt-gate.yml'), CONFIG);
  const production = await runAction(
    await sandbox.env({
      event: 'release.json',
      eventName: 'release',
      apiUrl: github.url,
      ref: 'refs/tags/v1.2.0',
      inputs: { [Input.mode]: 'baseline', [Input.resultsDir]: 'prod' },
    }),
  );
  expect(production.error).toBeUndefined();
  expect((await sandbox.remoteFiles()).some((f) => f.startsWith('baselines/production/'))).toBe(true);

  const released = await runAction(
    await sandbox.env({
      event: 'workflow_dispatch.json',
      eventName: 'workflow_dispatch',
      apiUrl: github.url,
      inputs: { [Input.mode]: 'release', [Input.resultsDir]: 'cand' },
    }),
  );
  expect(released.error).toBeUndefined();
  expect(released.exitCode).toBe(0);
  expect(released.fileOutputs.verdict).toBe('pass');
  const out = released.fileOutputs['release-path']!;
  expect(out).toBe(join(sandbox.workspace, 'cand', 'release'));
  const entry = released.outcome!.compared[0]!.entries[0]!;
  expect(released.outcome!.compared[0]!.comparisons![0]!.baselineRuns).toBe(1);
  const model = join(out, 'model_repository', 'tinycnn_fp32');
  expect(await readPbtxt(join(model, 'config.pbtxt'))).toMatchObject({
    name: 'tinycnn_fp32',
    platform: 'onnxruntime_onnx',
    input: [{ name: 'image', data_type: 'TYPE_FP32' }],
  });
  // Every line of SHA256SUMS holds, and the shipped model is the artifact that was measured.
  for (const line of (await readFile(join(out, 'SHA256SUMS'), 'utf8')).trim().split('\n')) {
    const [hash, path] = line.split('  ');
    const bytes = await readFile(join(out, path!));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(hash);
  }
  const shipped = await readFile(join(model, '1', 'model.onnx'));
  expect(createHash('sha256').update(shipped).digest('hex')).toBe(entry.build!.artifactSha256);
  expect(await sandbox.summary()).toContain('**Released:** Triton model repository with `tinycnn_fp32`');

  // The same candidate, but the matrix should have had a Hopper job: nothing is released.
  const blocked = await runAction(
    await sandbox.env({
      event: 'workflow_dispatch.json',
      eventName: 'workflow_dispatch',
      apiUrl: github.url,
      inputs: {
        [Input.mode]: 'release',
        [Input.resultsDir]: 'blocked',
        [Input.expectedArchitectures]: 'sm_90',
      },
    }),
  );
  expect(blocked.exitCode).toBe(1);
  expect(blocked.processExitCode).toBe(1);
  expect(blocked.fileOutputs.verdict).toBe('fail');
  expect(blocked.fileOutputs['release-path']).toBeUndefined();
  expect(blocked.stdout).toMatch(/::error::trt-gate: nothing released: missing architecture sm_90/);
  expect(await exists(join(sandbox.workspace, 'blocked', 'release'))).toBe(false);
  expect(await exists(join(sandbox.workspace, 'blocked', 'release-report.md'))).toBe(true);
}, 180_000);
