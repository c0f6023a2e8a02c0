import { loadOnnxRuntime } from '../src/runners/onnxruntime/ort.js';
/**
 * The onnxruntime runner's own overhead: OnnxRuntimeRunner.benchmark() against a bare
 * `session.run` loop on the same model, in the same process, interleaved block by block so that
 * machine noise hits both sides alike. Prints medians per inference and their ratio.
 *
 *   npm run bench            (or: npx tsx bench/runner-overhead.ts [model.onnx] [rounds])
 */

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { median } from 'simple-statistics';
import { InputSpec } from '../src/config/schema.js';
import { InputSource, withBatch } from '../src/inputs/generate.js';
import { OnnxRuntimeOptions } from '../src/runners/onnxruntime/options.js';
import { OnnxRuntimeRunner } from '../src/runners/onnxruntime/runner.js';
import { toOrtFeeds } from '../src/runners/onnxruntime/tensors.js';

const models: Record<string, InputSpec> = {
  'examples/quickstart/models/tinycnn-fp32.onnx': InputSpec.parse({ name: 'image', shape: [1, 3, 32, 32] }),
  'examples/quickstart/models/mlp-fp32.onnx': InputSpec.parse({ name: 'features', shape: [1, 64] }),
};
const rounds = Number(process.argv[3] ?? 20);
const iterations = 200;

for (const [path, input] of Object.entries(models)) {
  if (process.argv[2] && process.argv[2] !== path) continue;
  const options = OnnxRuntimeOptions.parse({});
  const runner = new OnnxRuntimeRunner(await loadOnnxRuntime(), options);
  const workDir = await mkdtemp(join(tmpdir(), 'trt-gate-bench-'));
  const inputs = [withBatch(input, 1)];
  const engine = await runner.build(
    { model: 'bench', precision: 'fp32', batchSize: 1, onnxPath: path, inputs, workDir },
    () => {},
  );
  const feeds = await new InputSource(inputs, (p) => p).sample(0);
  const bare = await ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: options.intraOpThreads,
    interOpNumThreads: options.interOpThreads,
  });
  const ortFeeds = toOrtFeeds(await loadOnnxRuntime(), feeds);
  for (let i = 0; i < 100; i++) await bare.run(ortFeeds);

  const runnerBlocks: number[] = [];
  const bareBlocks: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Runner: per-inference wall time of its own timed loop (what results.json reports as wallMs).
    const out = await runner.benchmark(
      engine,
      { warmup: 5, iterations, minDurationMs: 0, trials: 1 },
      feeds,
      () => {},
    );
    runnerBlocks.push(out.wallMs[0]! / iterations);
    // Bare: the same number of session.run calls, timed as one block.
    for (let w = 0; w < 5; w++) await bare.run(ortFeeds);
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) await bare.run(ortFeeds);
    bareBlocks.push((performance.now() - t0) / iterations);
  }
  const runnerMs = median(runnerBlocks);
  const bareMs = median(bareBlocks);
  console.log(
    JSON.stringify({
      model: path.split('/').pop(),
      rounds,
      iterationsPerRound: iterations,
      runnerMsPerInference: Number(runnerMs.toFixed(5)),
      bareMsPerInference: Number(bareMs.toFixed(5)),
      ratio: Number((runnerMs / bareMs).toFixed(3)),
    }),
  );
  await runner.close();
  await bare.release();
}
