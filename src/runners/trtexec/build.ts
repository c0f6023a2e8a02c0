/**
 * Engine builds: `trtexec --onnx --saveEngine [precision, shapes, timing cache, workspace, ...]
 * --skipInference`, skipped when the engine cache holds an engine built from the same inputs.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Incident } from '../../results/schema.js';
import { sha256File, sha256Json } from '../../util/hash.js';
import { type BuildRequest, type BuiltEngine, type ProgressFn, RunnerError } from '../types.js';
import { describeBuild } from './build-details.js';
import { type EngineCache, type EngineKeyParts, engineCacheKey, normalizeBuildArgs } from './engine-cache.js';
import { checkEnginePrecision, layerInfoFile, type StrongTyping, strongTyping } from './engine-label.js';
import { buildOptions, shapeFlags } from './flag-options.js';
import { buildArgs, measurementChoice } from './flags.js';
import { runFailure, writeRunLog } from './incidents.js';
import { combinedLog, succeeded } from './invoke.js';
import { effectiveMode } from './measurement.js';
import { dynamicInputs } from './onnx-inputs.js';
import { argsFor } from './option-checks.js';
import { fullVersion } from './parse/version.js';
import type { GpuIdentity } from './probe.js';
import { runTrtexec, type TrtexecSetup } from './run-context.js';
import {
  cacheFileState,
  recordEngine,
  seenEngines,
  timingCacheIncident,
  verifyTimingCache,
} from './timing-cache.js';

export interface BuildSetup extends TrtexecSetup {
  gpu: GpuIdentity;
  cache?: EngineCache;
  timingCacheFile?: string;
}

/** Part of the baseline key: everything that shapes the engine or how it is timed. */
/** The measurement mode this config gives on this TensorRT (recorded, and part of the options hash). */
export function measurementOf(setup: Pick<BuildSetup, 'options' | 'version'>) {
  const o = setup.options;
  return effectiveMode(
    { ...measurementChoice(o), ...(o.tf32 !== undefined ? { tf32: o.tf32 } : {}) },
    setup.version,
  );
}

function buildOptionsHash(setup: BuildSetup, request: BuildRequest, normalized: string[]): string {
  const o = setup.options;
  return sha256Json({
    runner: 'trtexec',
    precision: request.precision,
    build: normalized,
    inputs: request.inputs.map((i) => ({
      name: i.name,
      shape: i.shape,
      dtype: i.dtype,
      profile: i.profile,
    })),
    // What "latency" means on this version (11.x changed the defaults): a change is a new key.
    measurement: measurementOf(setup),
    run: {
      useSpinWait: o.useSpinWait,
      useCudaGraph: o.useCudaGraph,
      noDataTransfers: o.noDataTransfers,
      warmUpMs: o.warmUpMs,
      durationSec: o.durationSec,
      extraRunFlags: o.extraRunFlags,
    },
  });
}

/** The built (or cached) engine, and which of its inputs are dynamic. */
export async function buildEngine(
  setup: BuildSetup,
  request: BuildRequest,
  progress: ProgressFn,
): Promise<{ engine: BuiltEngine; dynamic: Set<string> }> {
  const { version, gpu, cache, timingCacheFile } = setup;
  await mkdir(request.workDir, { recursive: true });
  const dynamic = await dynamicInputs(
    request.onnxPath,
    request.inputs.map((i) => i.name),
  );
  if (timingCacheFile) await mkdir(dirname(timingCacheFile), { recursive: true });
  const base = `${request.model}-${request.precision}-b${request.batchSize}`;
  const saveEngine = cache ? await cache.tempEnginePath(base) : join(request.workDir, `${base}.engine`);
  const calib = request.precision === 'int8' ? request.calibrationCache : undefined;
  // Strongly typed: the label is checked against the layer information the build writes.
  const strong: StrongTyping | undefined = strongTyping(
    setup.options,
    version,
    layerInfoFile(request.workDir, base),
  );

  const argv = argsFor(
    'extraBuildFlags',
    () =>
      buildArgs(
        buildOptions(setup.options, {
          onnx: request.onnxPath,
          saveEngine,
          precision: request.precision,
          // The calibration cache belongs to the int8 engine only (the same model's fp32/fp16 entries ignore it).
          ...(calib ? { calib } : {}),
          ...shapeFlags(request.inputs, dynamic),
          ...(timingCacheFile ? { timingCacheFile } : {}),
          ...(strong ? { exportLayerInfo: strong.layerInfo, profilingVerbosity: 'detailed' as const } : {}),
        }),
        version,
      ),
    `models[name=${request.model}].precisions`,
  );

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
  const optionsHash = buildOptionsHash(setup, request, normalized);

  if (cache) {
    const hit = await cache.lookup(key);
    if (hit) {
      progress(`engine cache hit (${key.slice(0, 12)})`);
      if (strong) checkEnginePrecision(hit.details.enginePrecision, request, cache.paths(key).log);
      const engine: BuiltEngine = {
        request,
        artifactPath: cache.paths(key).engine,
        timeMs: hit.timeMs,
        cached: true,
        optionsHash,
        details: {
          ...hit.details,
          cacheKey: key,
          cachedAt: hit.createdAt,
          buildLog: cache.paths(key).log,
          measurement: measurementOf(setup),
        },
      };
      return { engine, dynamic };
    }
  }

  progress(`trtexec build (TensorRT ${fullVersion(version)}, ${request.precision})`);
  const cacheBefore = timingCacheFile ? await cacheFileState(timingCacheFile) : null;
  const run = await runTrtexec(setup, argv, 'build');
  const logFile = await writeRunLog(request, 'build', run);
  const log = combinedLog(run);
  if (!succeeded(run)) {
    await rm(saveEngine, { force: true });
    throw runFailure(setup, 'build', run, logFile);
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

  const { timeMs, details } = describeBuild(log, logFile, run, {
    tensorrt: fullVersion(version),
    buildArgs: normalized,
    engineBytes,
    dynamic,
  });

  details.measurement = measurementOf(setup);
  if (strong) {
    try {
      details.enginePrecision = await strong.read(logFile);
      checkEnginePrecision(details.enginePrecision, request, logFile);
    } catch (error) {
      await rm(saveEngine, { force: true });
      throw error;
    }
  }
  let incidents: Incident[] | undefined;
  if (timingCacheFile) {
    const cacheAfter = await cacheFileState(timingCacheFile);
    const seen = Object.hasOwn(await seenEngines(timingCacheFile), key);
    const timing = verifyTimingCache(timingCacheFile, cacheBefore, cacheAfter, log, seen);
    await recordEngine(timingCacheFile, key, cacheAfter);
    details.timingCache = timing;
    const incident = timingCacheIncident(timing, logFile);
    if (incident) {
      progress(`warning: ${incident.title.toLowerCase()}: ${timing.note}`);
      incidents = [incident];
    }
  }
  let artifactPath = saveEngine;
  if (cache) {
    await cache.store(key, saveEngine, { parts, timeMs, details }, log);
    artifactPath = cache.paths(key).engine;
    details.cacheKey = key;
    details.buildLog = cache.paths(key).log;
  } else details.buildLog = logFile;

  const engine: BuiltEngine = {
    request,
    artifactPath,
    timeMs,
    cached: false,
    optionsHash,
    details,
    ...(incidents ? { incidents } : {}),
  };
  return { engine, dynamic };
}
