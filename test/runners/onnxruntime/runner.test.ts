import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectiveLimits, evaluateAccuracy } from '../../../src/accuracy/evaluate.js';
import { REFERENCE_NAME, referenceOutputs } from '../../../src/accuracy/reference.js';
import { AccuracyConfig, InputSpec, type Precision } from '../../../src/config/schema.js';
import { InputSource } from '../../../src/inputs/generate.js';
import type { TensorSet } from '../../../src/inputs/tensor.js';
import { incidentSteps } from '../../../src/report/playbooks.js';
import { onnxRuntimeFactory } from '../../../src/runners/onnxruntime/index.js';
import { OnnxRuntimeOptions } from '../../../src/runners/onnxruntime/options.js';
import { loadOnnxRuntime } from '../../../src/runners/onnxruntime/ort.js';
import { OnnxRuntimeRunner } from '../../../src/runners/onnxruntime/runner.js';
import { type BuildRequest, type BuiltEngine, RunnerError } from '../../../src/runners/types.js';
import { shippedModel, tempDir, writeGarbageModel } from '../../helpers/tiny-config.js';

const TINY_PLAN = { warmup: 2, iterations: 20, minDurationMs: 0, trials: 2 };
const SAMPLES = 4;

const TINYCNN_INPUT = InputSpec.parse({
  name: 'image',
  shape: [1, 3, 32, 32],
  data: { type: 'random', seed: 1 },
});
const MLP_INPUT = InputSpec.parse({
  name: 'features',
  shape: [1, 64],
  data: { type: 'random', seed: 2, distribution: 'normal' },
});

let dir: string;
let cleanup: () => Promise<void>;
let runner: OnnxRuntimeRunner;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-runner-'));
  runner = new OnnxRuntimeRunner(await loadOnnxRuntime(), OnnxRuntimeOptions.parse({}));
});

afterAll(async () => {
  await runner?.close();
  await cleanup?.();
});

function request(model: string, file: string, input: InputSpec, precision: Precision = 'fp32'): BuildRequest {
  return {
    model,
    precision,
    batchSize: input.shape[0]!,
    onnxPath: file.startsWith('/') ? file : shippedModel(file),
    inputs: [input],
    workDir: join(dir, 'engines'),
  };
}

async function feeds(input: InputSpec, count = SAMPLES): Promise<TensorSet[]> {
  const source = new InputSource([input], (p) => p);
  const sets: TensorSet[] = [];
  for (let s = 0; s < count; s++) sets.push(await source.sample(s));
  return sets;
}

/** Builds, infers `count` samples and releases; returns the outputs. */
async function inferWith(
  model: string,
  file: string,
  input: InputSpec,
  inputs: TensorSet[],
  precision: Precision = 'fp32',
): Promise<TensorSet[]> {
  const engine = await runner.build(request(model, file, input, precision), () => {});
  try {
    return await runner.infer(engine, inputs);
  } finally {
    await runner.release(engine);
  }
}

async function buildFailure(r: OnnxRuntimeRunner, req: BuildRequest): Promise<RunnerError> {
  const error = await r.build(req, () => {}).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RunnerError);
  return error as RunnerError;
}

describe('OnnxRuntimeRunner on the shipped models', () => {
  it('probe describes the CPU and the ONNX Runtime version', async () => {
    const env = await runner.probe();
    expect(env.runner).toBe('onnxruntime');
    expect(env.device.kind).toBe('cpu');
    expect(env.runtime.name).toBe('onnxruntime');
    expect(env.runtime.version).toMatch(/^\d+\.\d+/);
    expect(env.details).toMatchObject({ executionProvider: 'cpu', intraOpThreads: 1, interOpThreads: 1 });
  });

  it('build writes the optimised graph as the artifact and reports progress', async () => {
    const messages: string[] = [];
    const engine = await runner.build(request('tinycnn', 'tinycnn-fp32.onnx', TINYCNN_INPUT), (m) =>
      messages.push(m),
    );
    try {
      expect(engine.artifactPath).toBe(join(dir, 'engines', 'tinycnn-fp32-b1.opt.onnx'));
      await access(engine.artifactPath);
      const size = (await stat(engine.artifactPath)).size;
      expect(size).toBeGreaterThan(0);
      expect(engine.details).toMatchObject({
        inputNames: ['image'],
        outputNames: ['probs'],
        artifactBytes: size,
      });
      expect(engine.cached).toBe(false);
      expect(engine.timeMs).toBeGreaterThan(0);
      expect(engine.optionsHash).toMatch(/^[0-9a-f]{16,}$/);
      expect(messages).toEqual(['optimising graph (all)']);
    } finally {
      await runner.release(engine);
    }
  });

  it('the options hash depends on precision and shapes, not on the file', async () => {
    const a = await runner.build(request('mlp', 'mlp-fp32.onnx', MLP_INPUT), () => {});
    const b = await runner.build(request('mlp', 'mlp-fp32.onnx', MLP_INPUT), () => {});
    const c = await runner.build(request('mlp', 'mlp-fp16.onnx', MLP_INPUT, 'fp16'), () => {});
    const batch4 = { ...MLP_INPUT, shape: [4, 64] };
    const d = await runner.build(request('mlp', 'mlp-fp32.onnx', batch4), () => {});
    try {
      expect(a.optionsHash).toBe(b.optionsHash);
      expect(c.optionsHash).not.toBe(a.optionsHash);
      expect(d.optionsHash).not.toBe(a.optionsHash);
      expect(d.artifactPath).toMatch(/mlp-fp32-b4\.opt\.onnx$/);
    } finally {
      for (const e of [a, b, c, d]) await runner.release(e);
    }
  });

  it('benchmark keeps `concurrency` requests in flight until the trial has its samples', async () => {
    const engine = await runner.build(request('mlp', 'mlp-fp32.onnx', MLP_INPUT), () => {});
    try {
      const [feed] = await feeds(MLP_INPUT, 1);
      const count = async (concurrency: number) => {
        const plan = { ...TINY_PLAN, trials: 1, iterations: 30, concurrency };
        return (await runner.benchmark(engine, plan, feed!, () => {})).trials[0]!.length;
      };
      // Every worker starts its next request as soon as one returns, while fewer than 30 samples
      // exist; when the 30th arrives the other workers each still have one in flight and record
      // it. Serial requests stop at exactly 30, three in flight at 32, whatever the timings.
      expect(await count(1)).toBe(30);
      expect(await count(3)).toBe(32);
    } finally {
      await runner.release(engine);
    }
  });

  it('benchmark returns `trials` arrays of `iterations` positive finite latencies', async () => {
    const engine = await runner.build(request('mlp', 'mlp-fp32.onnx', MLP_INPUT), () => {});
    try {
      const messages: string[] = [];
      const [feed] = await feeds(MLP_INPUT, 1);
      const outcome = await runner.benchmark(engine, TINY_PLAN, feed!, (m) => messages.push(m));
      expect(outcome.trials).toHaveLength(2);
      for (const trial of outcome.trials) {
        expect(trial).toHaveLength(20);
        for (const ms of trial) {
          expect(Number.isFinite(ms)).toBe(true);
          expect(ms).toBeGreaterThan(0);
        }
      }
      expect(outcome.wallMs).toHaveLength(2);
      for (const [i, wall] of outcome.wallMs.entries()) {
        // The trial's wall clock covers its samples.
        expect(wall).toBeGreaterThanOrEqual(outcome.trials[i]!.reduce((a, b) => a + b, 0) * 0.99);
      }
      expect(outcome.source).toMatch(/session\.run/);
      expect(messages).toEqual(['trial 1/2', 'trial 2/2']);
    } finally {
      await runner.release(engine);
    }
  });

  it('infer returns one output set per feed with the expected shapes', async () => {
    const cnn = await inferWith('tinycnn', 'tinycnn-fp32.onnx', TINYCNN_INPUT, await feeds(TINYCNN_INPUT));
    expect(cnn).toHaveLength(SAMPLES);
    for (const out of cnn) {
      expect(Object.keys(out)).toEqual(['probs']);
      expect(out.probs!.dims).toEqual([1, 100]);
      expect(out.probs!.dtype).toBe('float32');
      // Softmax output: a probability distribution.
      const sum = Array.from(out.probs!.data as Float32Array).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 4);
    }
    const mlp = await inferWith('mlp', 'mlp-fp32.onnx', MLP_INPUT, await feeds(MLP_INPUT));
    expect(mlp).toHaveLength(SAMPLES);
    for (const out of mlp) expect(out.logits!.dims).toEqual([1, 10]);
  });

  it('the optimised fp32 engine matches the unoptimised fp32 reference closely', async () => {
    const inputs = await feeds(MLP_INPUT);
    const reference = await referenceOutputs(shippedModel('mlp-fp32.onnx'), inputs);
    const candidate = await inferWith('mlp', 'mlp-fp32.onnx', MLP_INPUT, inputs);
    const result = evaluateAccuracy({
      reference,
      candidate,
      limits: { cosine: { min: 0.99999 } },
      referenceName: REFERENCE_NAME,
    });
    expect(result.passed).toBe(true);
    expect(result.worst!.maxAbsError).toBeLessThan(1e-4);
  });

  it.each([
    ['tinycnn', TINYCNN_INPUT],
    ['mlp', MLP_INPUT],
  ] as const)('%s: int8 has a larger max abs error vs the fp32 reference than fp16', async (model, input) => {
    const inputs = await feeds(input);
    const reference = await referenceOutputs(shippedModel(`${model}-fp32.onnx`), inputs);
    const error = async (precision: 'fp16' | 'int8') => {
      const candidate = await inferWith(model, `${model}-${precision}.onnx`, input, inputs, precision);
      const result = evaluateAccuracy({ reference, candidate, limits: {}, referenceName: REFERENCE_NAME });
      return result.worst!.maxAbsError;
    };
    const fp16 = await error('fp16');
    const int8 = await error('int8');
    expect(fp16).toBeGreaterThan(0);
    expect(int8).toBeGreaterThan(fp16);
  });

  it('the perturbed model fails the default cosine limit', async () => {
    const inputs = await feeds(TINYCNN_INPUT);
    const reference = await referenceOutputs(shippedModel('tinycnn-fp32.onnx'), inputs);
    const candidate = await inferWith('tinycnn', 'tinycnn-perturbed-fp32.onnx', TINYCNN_INPUT, inputs);
    const limits = effectiveLimits('fp32', AccuracyConfig.parse({}).limits, undefined);
    expect(limits.cosine).toEqual({ min: 0.999 });
    const result = evaluateAccuracy({ reference, candidate, limits, referenceName: REFERENCE_NAME });
    expect(result.passed).toBe(false);
    expect(result.worst!.cosine).toBeLessThan(0.999);
    expect(result.violations.map((v) => v.metric)).toContain('cosine');
    // The unperturbed model passes the same limits on the same inputs.
    const same = await inferWith('tinycnn', 'tinycnn-fp32.onnx', TINYCNN_INPUT, inputs);
    expect(
      evaluateAccuracy({ reference, candidate: same, limits, referenceName: REFERENCE_NAME }).passed,
    ).toBe(true);
  });

  it('a file that is not ONNX → RunnerError with an engine-build-failure incident', async () => {
    const bad = await writeGarbageModel(dir);
    const error = await buildFailure(runner, request('broken', bad, MLP_INPUT));
    expect(error.stage).toBe('build');
    expect(error.incident.kind).toBe('engine-build-failure');
    expect(error.incident.stage).toBe('build');
    expect(error.incident.title).toBe('ONNX Runtime could not load broken (fp32)');
    expect(error.incident.message).toContain(bad);
    expect(incidentSteps(error.incident, { deviceKind: 'cpu' }).join(' ')).toMatch(/onnx\.checker/);
  });

  it('wrong input names fail at benchmark time with a runtime-error incident', async () => {
    const engine = await runner.build(request('mlp', 'mlp-fp32.onnx', MLP_INPUT), () => {});
    try {
      const wrong = InputSpec.parse({ name: 'not_features', shape: [1, 64] });
      const [feed] = await feeds(wrong, 1);
      const error = await runner.benchmark(engine, TINY_PLAN, feed!, () => {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunnerError);
      expect((error as RunnerError).stage).toBe('benchmark');
      expect((error as RunnerError).incident.kind).toBe('runtime-error');
      const inferError = await runner.infer(engine, [feed!]).catch((e: unknown) => e);
      expect((inferError as RunnerError).stage).toBe('accuracy');
    } finally {
      await runner.release(engine);
    }
  });

  it('reload gives the engine a fresh session with the same outputs, the artifact untouched', async () => {
    const engine = await runner.build(request('tinycnn', 'tinycnn-fp32.onnx', TINYCNN_INPUT), () => {});
    const inputs = await feeds(TINYCNN_INPUT, 2);
    const before = await runner.infer(engine, inputs);
    const artifact = await stat(engine.artifactPath);
    const sessions = (runner as unknown as { sessions: Map<BuiltEngine, { release(): Promise<void> }> })
      .sessions;
    const old = sessions.get(engine)!;
    await runner.reload(engine);
    // A new session, and the old one released (releasing it again fails in onnxruntime-node).
    expect(sessions.get(engine)).not.toBe(old);
    await expect(old.release()).rejects.toThrow();
    const after = await runner.infer(engine, inputs);
    for (const [i, out] of after.entries()) expect(out.probs!.data).toEqual(before[i]!.probs!.data);
    expect((await stat(engine.artifactPath)).mtimeMs).toBe(artifact.mtimeMs);
    await runner.release(engine);
    // Released: nothing to reload.
    await expect(runner.reload(engine)).rejects.toThrow(/released or never built/);
  });

  it('a released engine can no longer run', async () => {
    const engine: BuiltEngine = await runner.build(request('mlp', 'mlp-fp32.onnx', MLP_INPUT), () => {});
    await runner.release(engine);
    await expect(runner.infer(engine, await feeds(MLP_INPUT, 1))).rejects.toThrow(/released or never built/);
    // Releasing twice is harmless.
    await runner.release(engine);
  });

  it.each(['cuda', 'tensorrt'] as const)(
    'executionProvider %s without GPU libraries → a clear "not installed" build incident',
    async (executionProvider) => {
      const gpu = new OnnxRuntimeRunner(
        await loadOnnxRuntime(),
        OnnxRuntimeOptions.parse({ executionProvider }),
      );
      try {
        expect((await gpu.probe()).device.kind).toBe('gpu');
        const error = await buildFailure(gpu, request('mlp', 'mlp-fp32.onnx', MLP_INPUT));
        expect(error.incident.kind).toBe('engine-build-failure');
        expect(error.incident.title).toBe(`${executionProvider} execution provider is not installed`);
        expect(error.incident.message).toMatch(/ONNXRUNTIME_NODE_INSTALL=skip/);
        expect(error.incident.nextSteps.join(' ')).toMatch(/executionProvider: cpu/);
      } finally {
        await gpu.close();
      }
    },
  );
});

describe('onnxRuntimeFactory', () => {
  it('validates options with defaults and creates a runner', async () => {
    expect(onnxRuntimeFactory.type).toBe('onnxruntime');
    const options = onnxRuntimeFactory.optionsSchema.parse({});
    expect(options.executionProvider).toBe('cpu');
    expect(onnxRuntimeFactory.optionsSchema.safeParse({ executionProvider: 'rocm' }).success).toBe(false);
    const created = await onnxRuntimeFactory.create(options, {
      configDir: dir,
      cacheDir: join(dir, 'cache'),
    });
    expect(created.type).toBe('onnxruntime');
  });
});
