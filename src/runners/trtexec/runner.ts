/**
 * The production runner: NVIDIA's trtexec on a GPU machine.
 *
 * build      trtexec --onnx --saveEngine [precision, shapes, timing cache, workspace, ...] --skipInference
 *            (skipped when the engine cache holds the same engine)
 * benchmark  one trtexec --loadEngine --exportTimes run per trial, nvidia-smi sampled around it, re-run
 *            while the GPU throttles (up to maxReruns); optionally a separate --exportProfile run
 * infer      one trtexec --loadEngine --loadInputs --exportOutput run per accuracy sample
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InputSpec } from '../../config/schema.js';
import { ConfigError, DataError, type Issue } from '../../errors.js';
import type { TensorSet } from '../../inputs/tensor.js';
import type { Environment, Incident, LayerTiming, Stage } from '../../results/schema.js';
import { sha256File, sha256Json } from '../../util/hash.js';
import {
  type BenchmarkOutcome,
  type BenchmarkPlan,
  type BuildRequest,
  type BuiltEngine,
  type ProgressFn,
  type Runner,
  type RunnerContext,
  RunnerError,
} from '../types.js';
import { classifyTrtexecFailure } from './classify.js';
import { EngineCache, type EngineKeyParts, engineCacheKey, normalizeBuildArgs } from './engine-cache.js';
import {
  benchmarkArgs,
  buildArgs,
  type TrtexecBenchmarkOptions,
  type TrtexecBuildOptions,
  UnsupportedOptionError,
} from './flags.js';
import { assessHealth, type GpuSample, NvidiaSmi, sampleDuring } from './health.js';
import {
  combinedLog,
  type DetectedVersion,
  detectVersion,
  type Invocation,
  invoke,
  succeeded,
} from './invoke.js';
import { dynamicInputs } from './onnx-inputs.js';
import type { TrtexecOptions } from './options.js';
import { type BuildLogInfo, parseBuildLog } from './parse/build-log.js';
import { parseExportLayerInfo } from './parse/export-layer-info.js';
import { parseExportOutput } from './parse/export-output.js';
import { parseExportProfile } from './parse/export-profile.js';
import { parseExportTimes } from './parse/export-times.js';
import { strictNumber } from './parse/numbers.js';
import { type PerformanceSummary, parsePerformanceSummary } from './parse/performance-summary.js';
import { formatVersion, type TrtVersion } from './parse/version.js';
import { InputDtypeError, outputsToTensorSet, writeInputFiles } from './tensors.js';

/** Precision flags come from `models[].precisions`; they may not be smuggled in through extraBuildFlags. */
const PRECISION_FLAGS = ['fp16', 'bf16', 'int8', 'best'];

/** Summary and samples may differ by rounding (trtexec prints 6 significant digits), not by more. */
const CROSS_CHECK_TOLERANCE = 0.05;

const VERSION_TIMEOUT_MS = 60_000;

interface GpuIdentity {
  name: string;
  computeCapability: string;
  driver?: string;
  memoryBytes?: number;
}

interface EngineState {
  dynamic: Set<string>;
  dir?: string;
}

/** `10.6.0+b26`: the version as far as engine compatibility goes. */
export function fullVersion(v: TrtVersion): string {
  return v.build === undefined ? formatVersion(v) : `${formatVersion(v)}+b${v.build}`;
}

/** Options-level checks that need no TensorRT version: also run by the factory's checkConfig. */
export function staticOptionIssues(options: TrtexecOptions): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  options.extraBuildFlags.forEach((flag, i) => {
    const name = /^--([A-Za-z0-9]+)/.exec(flag)?.[1];
    if (name && PRECISION_FLAGS.includes(name)) {
      issues.push({
        path: `runner.extraBuildFlags[${i}]`,
        message: `--${name} sets the precision, which comes from models[].precisions (one engine per precision)`,
      });
    }
  });
  return issues;
}

/** Flag issues name `runner.extraFlags[i]`; this runner has two such lists. */
function renameIssues(error: unknown, extraKey: string, precisionPath?: string): unknown {
  if (!(error instanceof ConfigError)) return error;
  const issues: Issue[] = error.issues.map((i) => ({
    ...i,
    path: i.path
      .replace(/^runner\.extraFlags/, `runner.${extraKey}`)
      .replace(/^runner\.precision$/, precisionPath ?? 'runner.precision'),
  }));
  return error instanceof UnsupportedOptionError
    ? new UnsupportedOptionError(issues, error.tensorrt)
    : new ConfigError(issues);
}

function shapeFlags(
  inputs: InputSpec[],
  dynamic: Set<string>,
): Pick<TrtexecBuildOptions, 'minShapes' | 'optShapes' | 'maxShapes'> {
  const dyn = inputs.filter((i) => dynamic.has(i.name));
  if (dyn.length === 0) return {};
  const withProfile = dyn.some((i) => i.profile);
  const opt = dyn.map((i) => ({ name: i.name, dims: i.profile?.opt ?? i.shape }));
  if (!withProfile) return { optShapes: opt };
  return {
    minShapes: dyn.map((i) => ({ name: i.name, dims: i.profile?.min ?? i.shape })),
    optShapes: opt,
    maxShapes: dyn.map((i) => ({ name: i.name, dims: i.profile?.max ?? i.shape })),
  };
}

function median(sorted: number[]): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-|-$/g, '');
}

export class TrtexecRunner implements Runner {
  readonly type = 'trtexec';
  private detected?: Promise<DetectedVersion>;
  private probed?: Promise<Environment>;
  private gpu?: GpuIdentity;
  private smi?: NvidiaSmi;
  private smiError?: string;
  private tmpRoot?: string;
  private readonly states = new Map<BuiltEngine, EngineState>();

  constructor(
    private readonly options: TrtexecOptions,
    private readonly context: RunnerContext,
  ) {
    if (options.nvidiaSmi !== false) this.smi = new NvidiaSmi(this.executable(options.nvidiaSmi));
  }

  /** A bare name is looked up on PATH; anything with a slash resolves against the config directory. */
  private executable(p: string): string {
    return /[/\\]/.test(p) ? resolve(this.context.configDir, p) : p;
  }

  private get trtexec(): string {
    return this.executable(this.options.path);
  }

  private resolvePath(p: string): string {
    return isAbsolute(p) ? p : resolve(this.context.configDir, p);
  }

  private engineCache(): EngineCache | undefined {
    const o = this.options.engineCache;
    if (o === false) return undefined;
    return new EngineCache(o === undefined ? join(this.context.cacheDir, 'engines') : this.resolvePath(o));
  }

  private timingCachePath(version: TrtVersion, gpu: GpuIdentity): string | undefined {
    const o = this.options.timingCache;
    if (o === false) return undefined;
    if (o !== undefined) return this.resolvePath(o);
    const name = `trt-${fullVersion(version)}-${slug(gpu.name)}-sm${gpu.computeCapability}.cache`;
    return join(this.context.cacheDir, 'timing', name);
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
    const { version, banner } = await this.version();
    this.validateOptions(version);

    let sample: GpuSample | undefined;
    if (this.smi) {
      const r = await this.smi.query('before');
      if (r.sample?.name) sample = r.sample;
      else {
        this.smiError = r.error ?? 'nvidia-smi printed no GPU name';
        this.smi = undefined;
      }
    }
    const gpu = sample?.name
      ? {
          name: sample.name,
          computeCapability: sample.computeCapability ?? (await this.deviceFromTrtexec()).computeCapability,
          ...(sample.driver ? { driver: sample.driver } : {}),
          ...(sample.memoryTotalMiB ? { memoryBytes: sample.memoryTotalMiB * 2 ** 20 } : {}),
        }
      : await this.deviceFromTrtexec();
    this.gpu = gpu;

    const cpuModel = os.cpus()[0]?.model.trim() || 'unknown CPU';
    return {
      runner: this.type,
      os: { platform: os.platform(), release: os.release(), arch: os.arch() },
      host: { cpuModel, cpuCores: os.availableParallelism(), memoryBytes: os.totalmem() },
      node: process.version,
      runtime: { name: 'tensorrt', version: formatVersion(version) },
      device: {
        kind: 'gpu',
        name: gpu.name,
        computeCapability: gpu.computeCapability,
        ...(gpu.driver ? { driver: gpu.driver } : {}),
        ...(gpu.memoryBytes ? { memoryBytes: gpu.memoryBytes } : {}),
      },
      details: {
        trtexec: this.trtexec,
        banner,
        tensorrtBuild: fullVersion(version),
        engineCache: this.engineCache()?.dir ?? 'disabled',
        timingCache: this.timingCachePath(version, gpu) ?? 'disabled',
        nvidiaSmi: this.smi
          ? { fields: this.smi.queryFields }
          : { disabled: this.options.nvidiaSmi === false ? 'runner.nvidiaSmi: false' : this.smiError },
        ...(sample
          ? {
              gpuAtProbe: {
                smClockMHz: sample.smClockMHz,
                maxSmClockMHz: sample.maxSmClockMHz,
                temperatureC: sample.temperatureC,
                powerLimitW: sample.powerLimitW,
                pstate: sample.pstate,
              },
            }
          : {}),
      },
    };
  }

  /**
   * Without nvidia-smi the GPU is read from trtexec's own `=== Device Information ===` block, which it
   * prints before loading anything: a run with an engine path that does not exist prints it, then fails.
   */
  private async deviceFromTrtexec(): Promise<GpuIdentity> {
    const dir = await this.tmp();
    const run = await invoke(this.trtexec, [`--loadEngine=${join(dir, 'no-such.engine')}`], {
      timeoutMs: VERSION_TIMEOUT_MS,
    });
    let device: BuildLogInfo['device'];
    try {
      device = parseBuildLog(combinedLog(run), 'trtexec device probe').device;
    } catch {
      device = undefined;
    }
    if (!device?.name || !device.computeCapability) {
      throw new ConfigError([
        {
          file: 'trt-gate.yml',
          path: 'runner.nvidiaSmi',
          message: `cannot identify the GPU: ${this.smiError ?? 'nvidia-smi is disabled'}, and trtexec printed no device information; enable nvidia-smi (runner.nvidiaSmi) or check the CUDA installation`,
        },
      ]);
    }
    return {
      name: device.name,
      computeCapability: device.computeCapability,
      ...(device.globalMemoryMiB ? { memoryBytes: device.globalMemoryMiB * 2 ** 20 } : {}),
    };
  }

  /** Refuses, once the version is known, options this TensorRT cannot honour (ConfigError, exit 2). */
  private validateOptions(version: TrtVersion): void {
    const staticIssues = staticOptionIssues(this.options);
    if (staticIssues.length > 0)
      throw new ConfigError(staticIssues.map((i) => ({ file: 'trt-gate.yml', ...i })));
    try {
      buildArgs(
        this.buildOptions({ onnx: 'model.onnx', saveEngine: 'model.engine', precision: 'fp32' }),
        version,
      );
    } catch (error) {
      throw renameIssues(error, 'extraBuildFlags');
    }
    try {
      benchmarkArgs(
        this.runOptions({ loadEngine: 'model.engine', iterations: 1, exportTimes: 'times.json' }),
        version,
      );
    } catch (error) {
      throw renameIssues(error, 'extraRunFlags');
    }
  }

  private buildOptions(base: TrtexecBuildOptions): TrtexecBuildOptions {
    const o = this.options;
    return {
      ...base,
      ...(o.workspaceMiB !== undefined ? { workspaceMiB: o.workspaceMiB } : {}),
      ...(o.builderOptimizationLevel !== undefined
        ? { builderOptimizationLevel: o.builderOptimizationLevel }
        : {}),
      ...(o.hardwareCompatibilityLevel !== undefined
        ? { hardwareCompatibilityLevel: o.hardwareCompatibilityLevel }
        : {}),
      // Layer info with tactics and precisions needs an engine built with detailed verbosity.
      ...(o.profile ? { profilingVerbosity: 'detailed' as const } : {}),
      extraFlags: o.extraBuildFlags,
    };
  }

  /** Options shared by every run of an engine (timed or not): the user's flags and data-transfer choice. */
  private runOptions(base: TrtexecBenchmarkOptions, timed = true): TrtexecBenchmarkOptions {
    const o = this.options;
    return {
      ...(timed
        ? {
            ...(o.avgRuns !== undefined ? { avgRuns: o.avgRuns } : {}),
            ...(o.useSpinWait !== undefined ? { useSpinWait: o.useSpinWait } : {}),
            ...(o.useCudaGraph !== undefined ? { useCudaGraph: o.useCudaGraph } : {}),
            ...(o.noDataTransfers !== undefined ? { noDataTransfers: o.noDataTransfers } : {}),
          }
        : {}),
      ...base,
      extraFlags: o.extraRunFlags,
    };
  }

  private async tmp(): Promise<string> {
    this.tmpRoot ??= await mkdtemp(join(os.tmpdir(), 'trt-gate-trtexec-'));
    return this.tmpRoot;
  }

  private async engineDir(engine: BuiltEngine): Promise<string> {
    const state = await this.state(engine);
    if (!state.dir) {
      state.dir = join(await this.tmp(), randomUUID().slice(0, 8));
      await mkdir(state.dir, { recursive: true });
    }
    return state.dir;
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

  private async logTo(request: BuildRequest, stage: string, run: Invocation): Promise<string> {
    const dir = join(request.workDir, 'logs');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${request.model}-${request.precision}-b${request.batchSize}.${stage}.log`);
    const header = `# trtexec ${run.argv.join(' ')}\n# exit ${run.exitCode ?? run.signal ?? 'none'}${run.timedOut ? ' (timed out)' : ''} after ${Math.round(run.durationMs)} ms\n`;
    await writeFile(file, `${header}${combinedLog(run)}`);
    return file;
  }

  private failure(stage: Stage, run: Invocation, logFile: string): RunnerError {
    if (run.spawnError) {
      return new RunnerError(stage, {
        kind: 'runtime-error',
        stage,
        title: 'trtexec could not be started',
        message: `cannot run ${this.trtexec}: ${run.spawnError.message}`,
        nextSteps: ['Check runner.path and that trtexec is executable on this machine.'],
      });
    }
    const incident = classifyTrtexecFailure({
      stage,
      exitCode: run.exitCode,
      stdout: run.stdout,
      stderr: run.stderr,
      timedOut: run.timedOut,
      signal: run.signal,
    });
    if (run.timedOut) {
      const limit = stage === 'build' ? this.options.timeoutSec.build : this.options.timeoutSec.run;
      incident.message = `${incident.message} (limit: runner.timeoutSec.${stage === 'build' ? 'build' : 'run'} = ${limit} s)`;
    }
    incident.nextSteps = [...incident.nextSteps, `Full trtexec log: ${logFile}`];
    return new RunnerError(stage, incident);
  }

  private timeoutMs(stage: 'build' | 'run'): number {
    return this.options.timeoutSec[stage] * 1000;
  }

  async build(request: BuildRequest, progress: ProgressFn): Promise<BuiltEngine> {
    await this.probe();
    const { version } = await this.version();
    const gpu = this.gpu!;
    await mkdir(request.workDir, { recursive: true });
    const dynamic = await dynamicInputs(
      request.onnxPath,
      request.inputs.map((i) => i.name),
    );
    const timingCacheFile = this.timingCachePath(version, gpu);
    if (timingCacheFile) await mkdir(dirname(timingCacheFile), { recursive: true });
    const cache = this.engineCache();
    const base = `${request.model}-${request.precision}-b${request.batchSize}`;
    const saveEngine = cache ? await cache.tempEnginePath(base) : join(request.workDir, `${base}.engine`);
    const calib = request.precision === 'int8' ? request.calibrationCache : undefined;

    let argv: string[];
    try {
      argv = buildArgs(
        this.buildOptions({
          onnx: request.onnxPath,
          saveEngine,
          precision: request.precision,
          // The calibration cache belongs to the int8 engine only (the same model's fp32/fp16 entries ignore it).
          ...(calib ? { calib } : {}),
          ...shapeFlags(request.inputs, dynamic),
          ...(timingCacheFile ? { timingCacheFile } : {}),
        }),
        version,
      );
    } catch (error) {
      throw renameIssues(error, 'extraBuildFlags', `models[name=${request.model}].precisions`);
    }

    const calibSha256 = calib ? await sha256File(calib) : undefined;
    const normalized = normalizeBuildArgs(argv, calibSha256);
    const parts: EngineKeyParts = {
      onnxSha256: await sha256File(request.onnxPath),
      ...(calibSha256 ? { calibSha256 } : {}),
      buildArgs: normalized,
      tensorrt: fullVersion(version),
      gpuName: gpu.name,
      computeCapability: gpu.computeCapability,
    };
    const key = engineCacheKey(parts);
    const o = this.options;
    const optionsHash = sha256Json({
      runner: this.type,
      precision: request.precision,
      build: normalized,
      inputs: request.inputs.map((i) => ({
        name: i.name,
        shape: i.shape,
        dtype: i.dtype,
        profile: i.profile,
      })),
      run: {
        useSpinWait: o.useSpinWait,
        useCudaGraph: o.useCudaGraph,
        noDataTransfers: o.noDataTransfers,
        warmUpMs: o.warmUpMs,
        durationSec: o.durationSec,
        extraRunFlags: o.extraRunFlags,
      },
    });

    if (cache) {
      const hit = await cache.lookup(key);
      if (hit) {
        progress(`engine cache hit (${key.slice(0, 12)})`);
        const engine: BuiltEngine = {
          request,
          artifactPath: cache.paths(key).engine,
          timeMs: hit.timeMs,
          cached: true,
          optionsHash,
          details: { ...hit.details, cacheKey: key, cachedAt: hit.createdAt, buildLog: cache.paths(key).log },
        };
        this.states.set(engine, { dynamic });
        return engine;
      }
    }

    progress(`trtexec build (TensorRT ${fullVersion(version)}, ${request.precision})`);
    const run = await invoke(this.trtexec, argv, { timeoutMs: this.timeoutMs('build') });
    const logFile = await this.logTo(request, 'build', run);
    const log = combinedLog(run);
    if (!succeeded(run)) {
      await rm(saveEngine, { force: true });
      throw this.failure('build', run, logFile);
    }
    let engineBytes: number;
    try {
      engineBytes = (await stat(saveEngine)).size;
    } catch {
      throw new RunnerError('build', {
        kind: 'engine-build-failure',
        stage: 'build',
        title: 'trtexec wrote no engine',
        message: `trtexec exited with code 0 but ${saveEngine} does not exist.`,
        nextSteps: [
          'Check runner.extraBuildFlags for flags that stop before saving.',
          `Full trtexec log: ${logFile}`,
        ],
      });
    }

    let info: BuildLogInfo | undefined;
    let parseError: string | undefined;
    try {
      info = parseBuildLog(log, logFile);
    } catch (error) {
      parseError = (error as Error).message;
    }
    const timeMs =
      info?.engineBuiltSec !== undefined
        ? info.engineBuiltSec * 1000
        : info?.engineGenerationSec !== undefined
          ? info.engineGenerationSec * 1000
          : run.durationMs;
    const details: Record<string, unknown> = {
      tensorrt: fullVersion(version),
      buildArgs: normalized,
      timeSource:
        info?.engineBuiltSec !== undefined
          ? 'trtexec "Engine built in"'
          : info?.engineGenerationSec !== undefined
            ? 'TensorRT "Engine generation completed in"'
            : 'wall clock of the trtexec process',
      wallMs: run.durationMs,
      engineBytes,
      ...(info?.engineSizeMiB !== undefined ? { engineSizeMiB: info.engineSizeMiB } : {}),
      ...(info?.engineGenerationSec !== undefined ? { engineGenerationSec: info.engineGenerationSec } : {}),
      ...(info
        ? {
            memory: {
              ...(info.memory.peakCpuMiB !== undefined ? { peakCpuMiB: info.memory.peakCpuMiB } : {}),
              ...(info.memory.peakGpuMiB !== undefined ? { peakGpuMiB: info.memory.peakGpuMiB } : {}),
              ...(info.memory.totalActivationBytes !== undefined
                ? { totalActivationBytes: info.memory.totalActivationBytes }
                : {}),
              ...(info.memory.totalWeightsBytes !== undefined
                ? { totalWeightsBytes: info.memory.totalWeightsBytes }
                : {}),
              ...(info.memory.maxScratchBytes !== undefined
                ? { maxScratchBytes: info.memory.maxScratchBytes }
                : {}),
            },
            tacticsSkippedForMemory: info.tacticsSkippedForMemory,
          }
        : {}),
      ...(parseError ? { logParseError: parseError } : {}),
      dynamicInputs: [...dynamic],
    };

    let artifactPath = saveEngine;
    if (cache) {
      await cache.store(key, saveEngine, { parts, timeMs, details }, log);
      artifactPath = cache.paths(key).engine;
      details.cacheKey = key;
      details.buildLog = cache.paths(key).log;
    } else details.buildLog = logFile;

    const engine: BuiltEngine = { request, artifactPath, timeMs, cached: false, optionsHash, details };
    this.states.set(engine, { dynamic });
    return engine;
  }

  private async sample(phase: GpuSample['phase']): Promise<GpuSample | undefined> {
    if (!this.smi) return undefined;
    return (await this.smi.query(phase)).sample;
  }

  private benchmarkShapes(engine: BuiltEngine, state: EngineState) {
    return engine.request.inputs
      .filter((i) => state.dynamic.has(i.name))
      .map((i) => ({ name: i.name, dims: i.shape }));
  }

  private async inputsFor(engine: BuiltEngine, dir: string, feeds: TensorSet, stage: Stage) {
    const { version } = await this.version();
    try {
      return await writeInputFiles(dir, feeds, version);
    } catch (error) {
      if (!(error instanceof InputDtypeError)) throw error;
      throw new RunnerError(stage, {
        kind: 'runtime-error',
        stage,
        title: 'Input data type not supported by trtexec',
        message: error.message,
        nextSteps: [`Change the dtype of the inputs of ${engine.request.model} in the config.`],
      });
    }
  }

  async benchmark(
    engine: BuiltEngine,
    plan: BenchmarkPlan,
    feeds: TensorSet,
    progress: ProgressFn,
  ): Promise<BenchmarkOutcome> {
    await this.probe();
    const { version } = await this.version();
    const state = await this.state(engine);
    const dir = await this.engineDir(engine);
    const loadInputs = await this.inputsFor(engine, join(dir, 'bench-inputs'), feeds, 'benchmark');
    const shapes = this.benchmarkShapes(engine, state);
    const o = this.options;
    const warmUpMs = o.warmUpMs ?? 200;
    const durationS = o.durationSec ?? plan.minDurationMs / 1000;
    const health = o.health;
    // Enough samples to cover the run limit; the loop stops with the run anyway.
    const maxSamples = Math.ceil(this.timeoutMs('run') / health.sampleIntervalMs) + 1;

    const attempts: Array<Record<string, unknown>> = [];
    let outcome: BenchmarkOutcome | undefined;
    for (let attempt = 0; attempt <= o.maxReruns; attempt++) {
      if (attempt > 0) {
        progress(`re-running (attempt ${attempt + 1}/${o.maxReruns + 1}) after an unreliable measurement`);
        if (health.cooldownSec > 0) await sleep(health.cooldownSec * 1000);
      }
      const samples: GpuSample[] = [];
      const before = await this.sample('before');
      if (before) samples.push(before);
      const trials: number[][] = [];
      const wallMs: number[] = [];
      const incidents: Incident[] = [];
      const unstable: number[] = [];
      const disagreements: string[] = [];
      for (let trial = 0; trial < plan.trials; trial++) {
        progress(`trial ${trial + 1}/${plan.trials}`);
        const timesFile = join(dir, `times-${attempt}-${trial}.json`);
        let argv: string[];
        try {
          argv = benchmarkArgs(
            this.runOptions({
              loadEngine: engine.artifactPath,
              shapes,
              warmUpMs,
              iterations: plan.iterations,
              durationS,
              exportTimes: timesFile,
              loadInputs,
            }),
            version,
          );
        } catch (error) {
          throw renameIssues(error, 'extraRunFlags');
        }
        const { result: run, samples: during } = await sampleDuring(
          invoke(this.trtexec, argv, { timeoutMs: this.timeoutMs('run') }),
          () => this.sample('during'),
          health.sampleIntervalMs,
          maxSamples,
        );
        samples.push(...during);
        const logFile = await this.logTo(engine.request, `benchmark-${attempt}-${trial}`, run);
        if (!succeeded(run)) throw this.failure('benchmark', run, logFile);
        const measured = await this.readTrial(timesFile, run, warmUpMs, logFile);
        trials.push(measured.samples);
        wallMs.push(measured.wallMs ?? run.durationMs);
        if (measured.disagreement) disagreements.push(`trial ${trial + 1}: ${measured.disagreement}`);
        if (measured.unstableCvPct !== undefined) unstable.push(measured.unstableCvPct);
      }
      const after = await this.sample('after');
      if (after) samples.push(after);
      if (disagreements.length > 0) incidents.push(crossCheckIncident(disagreements.join('; ')));
      if (unstable.length > 0) incidents.push(unstableIncident(unstable, plan.trials));

      const assessment = this.smi ? assessHealth(samples, health) : undefined;
      attempts.push({
        attempt: attempt + 1,
        ...(assessment?.unreliable ? { unreliable: assessment.unreliable } : {}),
        ...(assessment ? { gpu: assessment.summary } : {}),
      });
      outcome = {
        trials,
        wallMs,
        source: 'trtexec --exportTimes latencyMs (ms per query)',
        incidents: [...incidents, ...(assessment?.incidents ?? [])],
        health: this.smi
          ? { ...(assessment?.summary ?? {}), attempts, reruns: attempt }
          : { available: false, reason: o.nvidiaSmi === false ? 'runner.nvidiaSmi: false' : this.smiError },
        ...(assessment?.unreliable
          ? {
              unreliable:
                attempt > 0
                  ? `${assessment.unreliable} (still after ${attempt} re-run${attempt > 1 ? 's' : ''})`
                  : assessment.unreliable,
            }
          : {}),
      };
      if (!assessment?.unreliable) break;
    }
    if (o.profile && outcome) {
      const profiled = await this.profile(engine, state, plan, loadInputs, dir, progress);
      if (profiled.layers) outcome.layers = profiled.layers;
      if (profiled.incident) outcome.incidents = [...(outcome.incidents ?? []), profiled.incident];
    }
    return outcome!;
  }

  /** Samples from --exportTimes, checked against the printed performance summary. */
  private async readTrial(
    timesFile: string,
    run: Invocation,
    warmUpMs: number,
    logFile: string,
  ): Promise<{ samples: number[]; wallMs?: number; disagreement?: string; unstableCvPct?: number }> {
    let text: string;
    try {
      text = await readFile(timesFile, 'utf8');
    } catch (error) {
      throw unreadable(
        'benchmark',
        `trtexec wrote no --exportTimes file: ${(error as Error).message}`,
        logFile,
      );
    }
    let times: ReturnType<typeof parseExportTimes>;
    try {
      times = parseExportTimes(text, timesFile, { warmUpMs });
    } catch (error) {
      throw unreadable('benchmark', (error as Error).message, logFile);
    }
    let disagreement: string | undefined;
    let summary: PerformanceSummary | undefined;
    try {
      // The summary is read from stdout alone: its [W] lines go to stderr, and two pipes keep no order.
      summary = parsePerformanceSummary(run.stdout, logFile);
    } catch (error) {
      disagreement = `the performance summary could not be read: ${(error as Error).message}`;
    }
    if (summary?.latency) {
      const sorted = [...times.latencyMs].sort((a, b) => a - b);
      const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
      const checks: Array<[string, number | undefined, number]> = [
        ['mean', summary.latency.mean, mean],
        ['median', summary.latency.median, median(sorted)],
      ];
      const off = checks.filter(
        ([, printed, computed]) =>
          printed !== undefined &&
          Math.abs(printed - computed) > CROSS_CHECK_TOLERANCE * Math.max(Math.abs(computed), 1e-9),
      );
      if (off.length > 0) {
        disagreement = off
          .map(
            ([what, printed, computed]) =>
              `summary ${what} ${printed} ms vs ${computed.toPrecision(6)} ms from ${sorted.length} exported queries`,
          )
          .join(', ');
      }
    }
    const unstableCvPct = summary?.warnings.unstableCvPct ?? unstableWarning(run.stderr, logFile);
    return {
      samples: times.latencyMs,
      ...(times.wallMs !== undefined
        ? { wallMs: times.wallMs }
        : summary?.totalHostWalltimeS !== undefined
          ? { wallMs: summary.totalHostWalltimeS * 1000 }
          : {}),
      ...(disagreement ? { disagreement } : {}),
      ...(unstableCvPct !== undefined ? { unstableCvPct } : {}),
    };
  }

  /** A separate run with the profiler attached (it changes timings, and trtexec then prints no summary). */
  private async profile(
    engine: BuiltEngine,
    state: EngineState,
    plan: BenchmarkPlan,
    loadInputs: Array<{ name: string; file: string }>,
    dir: string,
    progress: ProgressFn,
  ): Promise<{ layers?: LayerTiming[]; incident?: Incident }> {
    progress('per-layer profile');
    const { version } = await this.version();
    const profileFile = join(dir, 'profile.json');
    const layerFile = join(dir, 'layers.json');
    const argv = benchmarkArgs(
      this.runOptions(
        {
          loadEngine: engine.artifactPath,
          shapes: this.benchmarkShapes(engine, state),
          warmUpMs: this.options.warmUpMs ?? 200,
          iterations: plan.iterations,
          durationS: 0,
          exportProfile: profileFile,
          exportLayerInfo: layerFile,
          profilingVerbosity: 'detailed',
          loadInputs,
        },
        false,
      ),
      version,
    );
    const run = await invoke(this.trtexec, argv, { timeoutMs: this.timeoutMs('run') });
    const logFile = await this.logTo(engine.request, 'profile', run);
    if (!succeeded(run)) {
      const incident = this.failure('benchmark', run, logFile).incident;
      return { incident: { ...incident, title: `Per-layer profile run failed: ${incident.title}` } };
    }
    try {
      const info = parseExportLayerInfo(await readFile(layerFile, 'utf8'), layerFile);
      return { layers: parseExportProfile(await readFile(profileFile, 'utf8'), profileFile, info).layers };
    } catch (error) {
      return {
        incident: {
          kind: 'runtime-error',
          stage: 'benchmark',
          title: 'Per-layer profile could not be read',
          message: (error as Error).message,
          nextSteps: [`Full trtexec log: ${logFile}`],
        },
      };
    }
  }

  async infer(engine: BuiltEngine, feeds: TensorSet[]): Promise<TensorSet[]> {
    await this.probe();
    const { version } = await this.version();
    const state = await this.state(engine);
    const dir = await this.engineDir(engine);
    const shapes = this.benchmarkShapes(engine, state);
    const outputs: TensorSet[] = [];
    for (const [i, feed] of feeds.entries()) {
      const loadInputs = await this.inputsFor(engine, join(dir, `infer-${i}`), feed, 'accuracy');
      const outFile = join(dir, `output-${i}.json`);
      const argv = benchmarkArgs(
        this.runOptions(
          {
            loadEngine: engine.artifactPath,
            shapes,
            loadInputs,
            warmUpMs: 0,
            iterations: 1,
            durationS: 0,
            exportOutput: outFile,
          },
          false,
        ),
        version,
      );
      const run = await invoke(this.trtexec, argv, { timeoutMs: this.timeoutMs('run') });
      if (!succeeded(run)) {
        const logFile = await this.logTo(engine.request, `infer-${i}`, run);
        throw this.failure('accuracy', run, logFile);
      }
      try {
        outputs.push(outputsToTensorSet(parseExportOutput(await readFile(outFile, 'utf8'), outFile)));
      } catch (error) {
        const logFile = await this.logTo(engine.request, `infer-${i}`, run);
        if (error instanceof DataError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw unreadable('accuracy', (error as Error).message, logFile);
        }
        throw error;
      }
      await rm(join(dir, `infer-${i}`), { recursive: true, force: true });
    }
    return outputs;
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

/** The "GPU compute time is unstable" warning trtexec prints on stderr after its summary. */
function unstableWarning(stderr: string, logFile: string): number | undefined {
  const m = /\* GPU compute time is unstable, with coefficient of variance = (\S+?)%/.exec(stderr);
  if (!m) return undefined;
  try {
    return strictNumber(m[1], 'coefficient of variance', logFile);
  } catch {
    return undefined;
  }
}

function unreadable(stage: Stage, message: string, logFile: string): RunnerError {
  return new RunnerError(stage, {
    kind: 'runtime-error',
    stage,
    title: "trtexec's output could not be read",
    message,
    nextSteps: [
      'Check that this trtexec writes the files it was asked for (--exportTimes / --exportOutput).',
      `Full trtexec log: ${logFile}`,
    ],
  });
}

function crossCheckIncident(detail: string): Incident {
  return {
    kind: 'unreliable-measurement',
    stage: 'benchmark',
    title: "trtexec's performance summary disagrees with its exported timings",
    message: `${detail}. The gate uses the exported per-query samples.`,
    nextSteps: [
      'Re-run to see whether it reproduces; check that nothing else wrote the --exportTimes file.',
      'Report the trtexec version and both outputs if it persists.',
    ],
  };
}

function unstableIncident(cvs: number[], trials: number): Incident {
  return {
    kind: 'unreliable-measurement',
    stage: 'benchmark',
    title: 'trtexec reports unstable GPU compute time',
    message: `"GPU compute time is unstable" in ${cvs.length} of ${trials} trials (coefficient of variance ${cvs.map((c) => `${c}%`).join(', ')}).`,
    nextSteps: [
      'Lock the GPU clocks (`sudo nvidia-smi -lgc <MHz>,<MHz>`) and enable persistence mode (`sudo nvidia-smi -pm 1`).',
      'Set runner.useSpinWait: true, and keep other jobs off the GPU while benchmarking.',
    ],
  };
}
