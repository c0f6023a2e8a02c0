import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { TensorSet } from '../../inputs/tensor.js';
import type { Environment } from '../../results/schema.js';
import { sha256Json } from '../../util/hash.js';
import { cpuClocksPolicy } from '../cpu-clocks.js';
import {
  type BenchmarkOutcome,
  type BenchmarkPlan,
  type BuildRequest,
  type BuiltEngine,
  type InterleavedArm,
  type InterleavedPlan,
  type ProgressFn,
  type Runner,
  RunnerError,
} from '../types.js';
import { pinProcess } from './affinity.js';
import type { OnnxRuntimeOptions } from './options.js';
import type { Ort } from './ort.js';
import { probeOnnxRuntime } from './probe.js';
import { fromOrtOutputs, toOrtFeeds } from './tensors.js';

/**
 * The embedded default: ONNX Runtime in-process. "Build" = create the session at the configured
 * graph optimisation level and save the optimised graph as the engine artifact.
 */
export class OnnxRuntimeRunner implements Runner {
  readonly type = 'onnxruntime';
  /** Concurrent `run` calls on one session: ONNX Runtime's Run is thread-safe, and each goes to a pool thread. */
  readonly concurrentRequests = true;
  private readonly sessions = new Map<BuiltEngine, ort.InferenceSession>();

  /**
   * `injectSlowdownPct` is for bench/ only (not in the config): it busy-waits after each timed
   * inference so the sample grows by that percentage, to measure the gate's detection rate.
   */
  constructor(
    private readonly ort: Ort,
    private readonly options: OnnxRuntimeOptions,
    private readonly testHooks: { injectSlowdownPct?: number } = {},
  ) {}

  async probe(): Promise<Environment> {
    const environment = probeOnnxRuntime(this.ort, this.options);
    if (this.options.cpuAffinity) {
      environment.details.allowedCpus = await pinProcess(this.options.cpuAffinity);
    }
    return environment;
  }

  private sessionOptions(optimizedModelFilePath?: string): ort.InferenceSession.SessionOptions {
    const o = this.options;
    const provider =
      o.executionProvider === 'cpu'
        ? 'cpu'
        : ({
            name: o.executionProvider,
            ...o.providerOptions,
          } as ort.InferenceSession.ExecutionProviderConfig);
    return {
      executionProviders: [provider],
      graphOptimizationLevel: o.graphOptimizationLevel,
      intraOpNumThreads: o.intraOpThreads,
      interOpNumThreads: o.interOpThreads,
      executionMode: o.executionMode,
      logSeverityLevel: 3,
      ...(optimizedModelFilePath ? { optimizedModelFilePath } : {}),
    };
  }

  async build(request: BuildRequest, progress: ProgressFn): Promise<BuiltEngine> {
    await mkdir(request.workDir, { recursive: true });
    const artifactPath = join(
      request.workDir,
      `${request.model}-${request.precision}-b${request.batchSize}.opt.onnx`,
    );
    progress(`optimising graph (${this.options.graphOptimizationLevel})`);
    const started = performance.now();
    let session: ort.InferenceSession;
    try {
      session = await this.ort.InferenceSession.create(request.onnxPath, this.sessionOptions(artifactPath));
    } catch (error) {
      throw this.buildError(request, error as Error);
    }
    const timeMs = performance.now() - started;
    const engine: BuiltEngine = {
      request,
      artifactPath,
      timeMs,
      cached: false,
      optionsHash: sha256Json({
        runner: this.type,
        precision: request.precision,
        provider: this.options.executionProvider,
        providerOptions: this.options.providerOptions,
        graphOptimizationLevel: this.options.graphOptimizationLevel,
        threads: [this.options.intraOpThreads, this.options.interOpThreads, this.options.executionMode],
        // Only when set, so configs without it keep the hashes (and baselines) they had.
        ...(this.options.cpuAffinity ? { cpuAffinity: this.options.cpuAffinity } : {}),
        inputs: request.inputs.map((i) => ({ name: i.name, shape: i.shape, dtype: i.dtype })),
      }),
      details: {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        artifactBytes: (await stat(artifactPath)).size,
      },
    };
    this.sessions.set(engine, session);
    return engine;
  }

  private buildError(request: BuildRequest, error: Error): RunnerError {
    const missingProvider = /Failed to load shared library|providers_shared/.test(error.message);
    return new RunnerError('build', {
      kind: 'engine-build-failure',
      stage: 'build',
      title: missingProvider
        ? `${this.options.executionProvider} execution provider is not installed`
        : `ONNX Runtime could not load ${request.model} (${request.precision})`,
      message: missingProvider
        ? `onnxruntime-node has no ${this.options.executionProvider} libraries here: they are downloaded by its install script, which trt-gate's installs skip (ONNXRUNTIME_NODE_INSTALL=skip).`
        : (error.message.split('\n')[0] ?? 'session creation failed'),
      logExcerpt: error.message,
      nextSteps: missingProvider
        ? [
            'Use `executionProvider: cpu`, or install onnxruntime-node with its GPU libraries on a CUDA machine (`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node`; in the Action, pass that install as onnxruntime-node-dir).',
          ]
        : [],
    });
  }

  private session(engine: BuiltEngine): ort.InferenceSession {
    const session = this.sessions.get(engine);
    if (!session) throw new Error(`engine ${engine.artifactPath} was released or never built by this runner`);
    return session;
  }

  async benchmark(
    engine: BuiltEngine,
    plan: BenchmarkPlan,
    feeds: TensorSet,
    progress: ProgressFn,
  ): Promise<BenchmarkOutcome> {
    const session = this.session(engine);
    const ortFeeds = toOrtFeeds(this.ort, feeds);
    const outcome: BenchmarkOutcome = {
      trials: [],
      wallMs: [],
      source: 'session.run (wall clock, ms)',
      health: { clocksPolicy: await cpuClocksPolicy() },
    };
    const slowdown = (this.testHooks.injectSlowdownPct ?? 0) / 100;
    try {
      for (let w = 0; w < plan.warmup; w++) await session.run(ortFeeds);
      for (let trial = 0; trial < plan.trials; trial++) {
        progress(`trial ${trial + 1}/${plan.trials}`);
        const samples: number[] = [];
        const trialStart = performance.now();
        const more = () =>
          samples.length < plan.iterations || performance.now() - trialStart < plan.minDurationMs;
        // `concurrency` requests in flight; each sample is one request's latency.
        const worker = async () => {
          while (more()) {
            const t0 = performance.now();
            await session.run(ortFeeds);
            if (slowdown) spinFor((performance.now() - t0) * slowdown);
            samples.push(performance.now() - t0);
          }
        };
        await Promise.all(Array.from({ length: Math.max(1, plan.concurrency ?? 1) }, worker));
        outcome.wallMs.push(performance.now() - trialStart);
        outcome.trials.push(samples);
      }
    } catch (error) {
      throw runtimeError('benchmark', engine, error as Error);
    }
    return outcome;
  }

  async benchmarkInterleaved(
    arms: readonly InterleavedArm[],
    plan: InterleavedPlan,
  ): Promise<BenchmarkOutcome[]> {
    const runs = arms.map((a) => ({
      engine: a.engine,
      session: this.session(a.engine),
      feeds: toOrtFeeds(this.ort, a.feeds),
    }));
    const samples: number[][] = runs.map(() => []);
    const slowdown = (this.testHooks.injectSlowdownPct ?? 0) / 100;
    let current = runs[0]!.engine;
    try {
      for (let i = 0; i < plan.warmup + plan.iterations; i++) {
        for (const a of plan.order(i)) {
          const run = runs[a]!;
          current = run.engine;
          const t0 = performance.now();
          await run.session.run(run.feeds);
          if (slowdown) spinFor((performance.now() - t0) * slowdown);
          if (i >= plan.warmup) samples[a]!.push(performance.now() - t0);
        }
      }
    } catch (error) {
      throw runtimeError('benchmark', current, error as Error);
    }
    return samples.map((s) => ({
      trials: [s],
      wallMs: [s.reduce((x, y) => x + y, 0)],
      source: 'session.run (wall clock, ms)',
    }));
  }

  async infer(engine: BuiltEngine, feeds: TensorSet[]): Promise<TensorSet[]> {
    const session = this.session(engine);
    const outputs: TensorSet[] = [];
    try {
      for (const f of feeds) outputs.push(fromOrtOutputs(await session.run(toOrtFeeds(this.ort, f))));
    } catch (error) {
      throw runtimeError('accuracy', engine, error as Error);
    }
    return outputs;
  }

  async reload(engine: BuiltEngine): Promise<void> {
    const old = this.session(engine);
    let session: ort.InferenceSession;
    try {
      // The same model and options as the build (its optimized copy is already written).
      session = await this.ort.InferenceSession.create(engine.request.onnxPath, this.sessionOptions());
    } catch (error) {
      throw this.buildError(engine.request, error as Error);
    }
    this.sessions.set(engine, session);
    await old.release();
  }

  async release(engine: BuiltEngine): Promise<void> {
    const session = this.sessions.get(engine);
    this.sessions.delete(engine);
    await session?.release();
  }

  async close(): Promise<void> {
    for (const engine of [...this.sessions.keys()]) await this.release(engine);
  }
}

function spinFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy-wait: a sleep would yield the core and not behave like slower compute
  }
}

function runtimeError(stage: 'benchmark' | 'accuracy', engine: BuiltEngine, error: Error): RunnerError {
  const oom = /bad_alloc|out of memory|Failed to allocate/i.test(error.message);
  return new RunnerError(stage, {
    kind: oom ? 'out-of-memory' : 'runtime-error',
    stage,
    title: oom
      ? `Out of memory running ${engine.request.model}`
      : `Inference of ${engine.request.model} failed during ${stage}`,
    message: error.message.split('\n')[0] ?? 'session.run failed',
    logExcerpt: error.message,
    nextSteps: [], // the playbook's, for a CPU or a CUDA run
  });
}
