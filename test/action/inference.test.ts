import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Input } from '../../action/names.js';
import { Results } from '../../src/results/schema.js';
import { FakeGitHub } from './helpers/github-server.js';
import { runAction } from './helpers/run-action.js';
import { PROJECT_ROOT, Sandbox } from './helpers/sandbox.js';

/**
 * Real inference through the onnxruntime runner (no results-files): the quickstart's tinycnn on
 * the CPU with tiny benchmark settings. A push to main records the baseline; a pull request that
 * swaps in the slower variant of the model is then compared with it.
 */
const models = join(PROJECT_ROOT, 'examples', 'quickstart', 'models');

function tinyConfig(onnx: string): string {
  return `version: 1
runner: { type: onnxruntime, executionProvider: cpu, intraOpThreads: 1, interOpThreads: 1 }
models:
  - name: tinycnn
    onnx: ${JSON.stringify(join(models, onnx))}
    precisions: [fp32]
    inputs:
      - name: image
        shape: [1, 3, 32, 32]
        data: { type: random, seed: 1, distribution: uniform, min: 0, max: 1 }
benchmark: { warmup: 2, iterations: 20, trials: 2 }
accuracy: { samples: 4 }
thresholds:
  latency.p50: { model: percentage, maxRegressionPct: 10 }
  latency.mean: { model: percentage, maxRegressionPct: 10 }
  latency.p99: { model: percentage, maxRegressionPct: 1000 }
  throughput: { model: percentage, maxRegressionPct: 1000 }
  build.timeMs: { model: percentage, maxRegressionPct: 100000 }
  build.artifactBytes: { model: percentage, maxRegressionPct: 1000 }
baseline: { historySize: 5 }
`;
}

let sandbox: Sandbox;
let github: FakeGitHub;
beforeAll(async () => {
  sandbox = await Sandbox.create();
  github = new FakeGitHub();
  await github.start();
});
afterAll(async () => {
  await github.stop();
  await sandbox.cleanup();
});

it('benchmarks with onnxruntime, records the baseline, and gates a PR against it', async () => {
  await writeFile(join(sandbox.workspace, 'trt-gate.yml'), tinyConfig('tinycnn-fp32.onnx'));
  const baseline = await runAction(
    await sandbox.env({
      event: 'push.json',
      eventName: 'push',
      apiUrl: github.url,
      inputs: { [Input.mode]: 'baseline' },
    }),
  );
  expect(baseline.error).toBeUndefined();
  expect(baseline.exitCode).toBe(0);
  expect(baseline.outcome?.appended?.[0]?.written).toHaveLength(1);
  const recorded = Results.parse(JSON.parse(await readFile(baseline.fileOutputs['results-path']!, 'utf8')));
  expect(recorded.entries[0]).toMatchObject({
    model: 'tinycnn',
    status: 'ok',
    key: { runner: 'onnxruntime' },
  });
  expect(recorded.entries[0]!.latency!.trials).toHaveLength(2);
  expect(recorded.entries[0]!.latency!.trials[0]!.samples.length).toBeGreaterThanOrEqual(20);
  expect(recorded.entries[0]!.accuracy?.samples).toBe(4);
  expect(recorded.source).toMatchObject({ event: 'push', ref: 'refs/heads/main' });

  // The PR makes the model slower (an extra convolution block, same inputs and build options).
  await writeFile(join(sandbox.workspace, 'trt-gate.yml'), tinyConfig('tinycnn-slower-fp32.onnx'));
  const pr = await runAction(
    await sandbox.env({
      event: 'pull_request.json',
      eventName: 'pull_request',
      apiUrl: github.url,
      inputs: { [Input.resultsDir]: 'pr-results' },
    }),
  );
  expect(pr.error).toBeUndefined();
  const compared = pr.outcome!.compared[0]!;
  const comparison = compared.comparisons![0]!;
  expect(comparison.baselineRuns).toBe(1); // found the baseline of the same key
  const p50 = comparison.metrics.find((m) => m.metric === 'latency.p50')!;
  // Usually +10…+45 % with these tiny settings; CPU noise makes the exact verdict vary.
  expect(Number.isFinite(p50.deltaPct)).toBe(true);
  expect(p50.candidate).not.toBeNull();
  expect(p50.baseline).not.toBeNull();
  // The verdict, the check and the exit code agree.
  const failed = pr.fileOutputs.verdict === 'fail';
  expect(pr.exitCode).toBe(failed ? 1 : 0);
  expect(github.checkRuns.at(-1)).toMatchObject({
    conclusion: failed ? 'failure' : expect.stringMatching(/success|neutral/),
  });
  if (comparison.verdict === 'regressed') expect(pr.fileOutputs.regressions).toBe('1');
  expect(github.comments.get(42)).toHaveLength(1);
}, 120_000);
