import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type CalibrationInfo, calibrationCacheFor } from '../accuracy/calibration.js';
import { type LoadedConfig, resolveFrom } from '../config/load.js';
import type { InputSpec } from '../config/schema.js';
import { InputSource, withBatch } from '../inputs/generate.js';
import type { BaselineKey, BuildInfo, Entry, Environment, Stage } from '../results/schema.js';
import { type BuildRequest, type BuiltEngine, type Runner, RunnerError } from '../runners/types.js';
import { sha256File } from '../util/hash.js';
import type { PlannedEntry } from './plan.js';

/**
 * The parts of an entry that the plain run (pipeline/run.ts) and the A/B run (ab/) assemble
 * alike: its key, inputs, engine build (with the INT8 calibration cache where the runner uses
 * one), build info and failure. One copy, so both record an entry the same way.
 */

export function deviceKey(env: Environment): string {
  const d = env.device;
  return d.computeCapability ? `${d.name} (sm ${d.computeCapability})` : d.name;
}

export function runtimeKey(env: Environment): string {
  const base = `${env.runtime.name} ${env.runtime.version}`;
  return env.device.driver ? `${base} / driver ${env.device.driver}` : base;
}

/** The entry's baseline key; `optionsHash` is filled in once the engine is built. */
export function entryKey(plan: PlannedEntry, runner: Runner, environment: Environment): BaselineKey {
  return {
    model: plan.model.name,
    precision: plan.precision,
    batchSize: plan.batchSize,
    runner: runner.type,
    device: deviceKey(environment),
    runtime: runtimeKey(environment),
    optionsHash: '',
  };
}

export function newEntry(plan: PlannedEntry, key: BaselineKey): Entry {
  return {
    id: plan.id,
    model: plan.model.name,
    precision: plan.precision,
    batchSize: plan.batchSize,
    status: 'ok',
    key,
    incidents: [],
  };
}

/** The entry's inputs at its batch size, and their data, with errors pointing into the config. */
export function entryInputs(plan: PlannedEntry, loaded: LoadedConfig, inputs = plan.model.inputs) {
  const resized = inputs.map((i) => withBatch(i, plan.batchSize));
  return { inputs: resized, source: inputSourceOf(resized, plan, loaded) };
}

export function inputSourceOf(inputs: InputSpec[], plan: PlannedEntry, loaded: LoadedConfig): InputSource {
  return new InputSource(inputs, (p) => resolveFrom(loaded.dir, p), {
    file: loaded.file,
    prefix: `models[${plan.modelIndex}].`,
  });
}

export interface EntryBuild {
  request: BuildRequest;
  engine: BuiltEngine;
  onnxPath: string;
  calibration?: CalibrationInfo;
}

/**
 * Builds the entry's engine into `engineDir`; an INT8 entry of a runner that builds from a
 * calibration cache gets one made (or reused) under `workDir`.
 */
export async function buildEntryEngine(args: {
  plan: PlannedEntry;
  loaded: LoadedConfig;
  runner: Runner;
  environment: Environment;
  inputs: InputSpec[];
  workDir: string;
  engineDir?: string;
  progress: (message: string) => void;
}): Promise<EntryBuild> {
  const { plan, loaded, runner, inputs, progress } = args;
  const model = plan.model;
  const onnxPath = resolveFrom(loaded.dir, model.variants[plan.precision] ?? model.onnx);
  const request: BuildRequest = {
    model: model.name,
    precision: plan.precision,
    batchSize: plan.batchSize,
    onnxPath,
    inputs,
    calibrationCache: model.calibrationCache ? resolveFrom(loaded.dir, model.calibrationCache) : undefined,
    workDir: args.engineDir ?? join(args.workDir, 'engines'),
  };
  const calibration =
    plan.precision === 'int8' && model.calibration && runner.usesCalibrationCache
      ? await calibrationCacheFor({
          model,
          modelIndex: plan.modelIndex,
          calibration: model.calibration,
          onnxPath,
          inputs,
          batchSize: plan.batchSize,
          tensorrt: args.environment.runtime.version,
          resolve: (p) => resolveFrom(loaded.dir, p),
          configFile: loaded.file,
          workDir: args.workDir,
        })
      : undefined;
  if (calibration) {
    progress(calibration.message);
    request.calibrationCache = calibration.path;
  }
  const engine = await runner.build(request, progress);
  return { request, engine, onnxPath, ...(calibration ? { calibration } : {}) };
}

export async function buildInfoOf(build: EntryBuild): Promise<BuildInfo> {
  const { engine, calibration } = build;
  return {
    timeMs: engine.timeMs,
    artifactPath: engine.artifactPath,
    artifactBytes: (await stat(engine.artifactPath)).size,
    artifactSha256: await sha256File(engine.artifactPath),
    modelSha256: await sha256File(build.onnxPath),
    cached: engine.cached,
    optionsHash: engine.optionsHash,
    details: calibration ? { ...engine.details, calibration } : engine.details,
  };
}

/** Marks the entry failed at `stage`, with the runner's incident or one made from the error. */
export function markFailed(entry: Entry, stage: Stage, error: unknown): Entry {
  entry.status = 'failed';
  if (error instanceof RunnerError) {
    entry.error = { stage: error.stage, message: error.incident.message };
    entry.incidents.push(error.incident);
    return entry;
  }
  const message = (error as Error)?.message ?? String(error);
  entry.error = { stage, message };
  entry.incidents.push({
    kind: 'runtime-error',
    stage,
    title: `${stage} failed`,
    message: message.split('\n')[0] ?? message,
    logExcerpt: (error as Error)?.stack,
    nextSteps: [],
  });
  return entry;
}
