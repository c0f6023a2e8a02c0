/**
 * The production runner: NVIDIA's trtexec on a GPU machine.
 *
 * build      trtexec --onnx --saveEngine [precision, shapes, timing cache, workspace, ...] --skipInference
 *            (skipped when the engine cache holds the same engine)                          ./build.ts
 * benchmark  one trtexec --loadEngine --exportTimes run per trial, nvidia-smi sampled around it, re-run
 *            while the GPU throttles (up to maxReruns)              ./benchmark.ts, ./benchmark-attempt.ts
 *            optionally a separate --exportProfile run                                  ./profile-run.ts
 * infer      one trtexec --loadEngine --loadInputs --exportOutput run per accuracy sample   ./infer.ts
 *
 * This class holds what lives as long as the runner: the detected version, the probed GPU, nvidia-smi,
 * and each engine's scratch directory.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { TensorSet } from '../../inputs/tensor.js';
import type { Environment } from '../../results/schema.js';
import type {
  BenchmarkOutcome,
  BenchmarkPlan,
  BuildRequest,
  BuiltEngine,
  ProgressFn,
  Runner,
  RunnerContext,
} from '../types.js';
import { benchmarkWithReruns, type GpuMonitor } from './benchmark.js';
import { buildEngine } from './build.js';
import { inferOutputs } from './infer.js';
import { type DetectedVersion, detectVersion } from './invoke.js';
import { engineCacheFor, executablePath, timingCachePath } from './locations.js';
import { NvidiaSmi } from './nvidia-smi.js';
import { dynamicInputs } from './onnx-inputs.js';
import { validateOptions } from './option-checks.js';
import type { TrtexecOptions } from './options.js';
import { type GpuIdentity, probeEnvironment, VERSION_TIMEOUT_MS } from './probe.js';
import { profileLayers } from './profile-run.js';
import { type EngineRun, type TrtexecSetup, writeRunInputs } from './run-context.js';

export { staticOptionIssues } from './option-checks.js';
export { fullVersion } from './parse/version.js';

interface EngineState {
  dynamic: Set<string>;
  dir?: string;
}

export class TrtexecRunner implements Runner {
  readonly type = 'trtexec';
  readonly usesCalibrationCache = true;
  /** A sweep's concurrency runs as `--infStreams=N`: N execution contexts with queries in flight. */
  readonly concurrentRequests = true;
  private detected?: Promise<DetectedVersion>;
  private probed?: Promise<Environment>;
  private gpu?: GpuIdentity;
  private monitor: GpuMonitor = {};
  private tmpRoot?: string;
  private readonly states = new Map<BuiltEngine, EngineState>();

  constructor(
    private readonly options: TrtexecOptions,
    private readonly context: RunnerContext,
  ) {
    if (options.nvidiaSmi !== false) {
      this.monitor = { smi: new NvidiaSmi(executablePath(options.nvidiaSmi, context)) };
    }
  }

  private get trtexec(): string {
    return executablePath(this.options.path, this.context);
  }

  /** The TensorRT version, from the banner of `trtexec --help`; detected once. */
  version(): Promise<DetectedVersion> {
    this.detected ??= detectVersion(this.trtexec, VERSION_TIMEOUT_MS);
    return this.detected;
  }

  /** Version, option checks against it, GPU identity: once per runner. */
  probe(): Promise<Environment> {
    this.probed ??= this.doProbe();
    return this.probed;
  }

  private async doProbe(): Promise<Environment> {
    const detected = await this.version();
    validateOptions(this.options, detected.version);
    const probed = await probeEnvironment({
      trtexec: this.trtexec,
      options: this.options,
      context: this.context,
      detected,
      ...(this.monitor.smi ? { smi: this.monitor.smi } : {}),
      tmp: () => this.tmp(),
    });
    this.gpu = probed.gpu;
    this.monitor = probed.smi ? { smi: probed.smi } : { unavailable: probed.smiUnavailable };
    return probed.environment;
  }

  /** Probes first, so every stage runs with a checked version. */
  private async setup(): Promise<TrtexecSetup> {
    await this.probe();
    const { version } = await this.version();
    return { trtexec: this.trtexec, options: this.options, version };
  }

  private async tmp(): Promise<string> {
    this.tmpRoot ??= await mkdtemp(join(os.tmpdir(), 'trt-gate-trtexec-'));
    return this.tmpRoot;
  }

  private async state(engine: BuiltEngine): Promise<EngineState> {
    let s = this.states.get(engine);
    if (!s) {
      const r = engine.request;
      s = {
        dynamic: await dynamicInputs(
          r.onnxPath,
          r.inputs.map((i) => i.name),
        ),
      };
      this.states.set(engine, s);
    }
    return s;
  }

  private async engineRun(engine: BuiltEngine): Promise<EngineRun> {
    const setup = await this.setup();
    const state = await this.state(engine);
    if (!state.dir) {
      state.dir = join(await this.tmp(), randomUUID().slice(0, 8));
      await mkdir(state.dir, { recursive: true });
    }
    return { setup, engine, dynamic: state.dynamic, dir: state.dir };
  }

  async build(request: BuildRequest, progress: ProgressFn): Promise<BuiltEngine> {
    const setup = await this.setup();
    const gpu = this.gpu!;
    const timingCacheFile = timingCachePath(this.options, this.context, setup.version, gpu);
    const cache = engineCacheFor(this.options, this.context);
    const { engine, dynamic } = await buildEngine(
      { ...setup, gpu, ...(cache ? { cache } : {}), ...(timingCacheFile ? { timingCacheFile } : {}) },
      request,
      progress,
    );
    this.states.set(engine, { dynamic });
    return engine;
  }

  async benchmark(
    engine: BuiltEngine,
    plan: BenchmarkPlan,
    feeds: TensorSet,
    progress: ProgressFn,
  ): Promise<BenchmarkOutcome> {
    const run = await this.engineRun(engine);
    const loadInputs = await writeRunInputs(run, join(run.dir, 'bench-inputs'), feeds, 'benchmark');
    const outcome = await benchmarkWithReruns(run, plan, loadInputs, this.monitor, progress);
    if (this.options.profile) {
      const profiled = await profileLayers(run, plan, loadInputs, progress);
      if (profiled.layers) outcome.layers = profiled.layers;
      if (profiled.incident) outcome.incidents = [...(outcome.incidents ?? []), profiled.incident];
    }
    return outcome;
  }

  async infer(engine: BuiltEngine, feeds: TensorSet[]): Promise<TensorSet[]> {
    return inferOutputs(await this.engineRun(engine), feeds);
  }

  async release(engine: BuiltEngine): Promise<void> {
    const state = this.states.get(engine);
    this.states.delete(engine);
    if (state?.dir) await rm(state.dir, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    for (const engine of [...this.states.keys()]) await this.release(engine);
    if (this.tmpRoot) await rm(this.tmpRoot, { recursive: true, force: true });
    this.tmpRoot = undefined;
  }
}
