import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { calibrationCacheFor } from '../accuracy/calibration.js';
import { type AccuracyReference, onnxRuntimeCpuReference } from '../accuracy/reference.js';
import { AccuracyCache, runAccuracyStage, validationSetFor } from '../accuracy/stage.js';
import { type LoadedConfig, namingConfigFile, resolveFrom } from '../config/load.js';
import type { InputSpec } from '../config/schema.js';
import { TrtGateError } from '../errors.js';
import { InputSource, withBatch } from '../inputs/generate.js';
import { resultsHeader } from '../results/header.js';
import type { BaselineKey, Entry, Environment, Results } from '../results/schema.js';
import { type BuildRequest, type BuiltEngine, type Runner, RunnerError } from '../runners/types.js';
import { sweepEntry } from '../sweep/entry.js';
import { sha256File } from '../util/hash.js';
import { nullObserver, type RunObserver } from './events.js';
import { latencyOf, throughputOf, trialsOf } from './measurements.js';
import { type PlannedEntry, planEntries } from './plan.js';

export interface RunOptions {
  loaded: LoadedConfig;
  runner: Runner;
  /** Where engines and optimised graphs are written. */
  workDir: string;
  observer?: RunObserver;
  source?: Results['source'];
  /** Run only some entries (e.g. `--model`). */
  only?: (p: PlannedEntry) => boolean;
  /** What accuracy is measured against (default: the fp32 model in ONNX Runtime on the CPU). */
  reference?: AccuracyReference;
}

export function deviceKey(env: Environment): string {
  const d = env.device;
  return d.computeCapability ? `${d.name} (sm ${d.computeCapability})` : d.name;
}

export function runtimeKey(env: Environment): string {
  const base = `${env.runtime.name} ${env.runtime.version}`;
  return env.device.driver ? `${base} / driver ${env.device.driver}` : base;
}

/** Builds, benchmarks and checks every planned entry; one failing entry never stops the others. */
export async function runPipeline(options: RunOptions): Promise<Results> {
  try {
    return await runAll(options);
  } catch (error) {
    throw namingConfigFile(error, options.loaded.file);
  }
}

async function runAll(options: RunOptions): Promise<Results> {
  const { loaded, runner } = options;
  const observer = options.observer ?? nullObserver;
  const environment = await runner.probe();
  observer.onEvent({
    type: 'environment',
    description: `${deviceKey(environment)} · ${runtimeKey(environment)}`,
  });
  const planned = planEntries(loaded.config, options.only);
  const cache = new AccuracyCache();
  await checkInputs(planned, loaded, cache);
  const entries: Entry[] = [];
  for (const [index, plan] of planned.entries()) {
    observer.onEvent({ type: 'entry-start', entryId: plan.id, index, total: planned.length });
    const entry = await runEntry(plan, environment, options, cache);
    entries.push(entry);
    observer.onEvent({ type: 'entry-done', entry, index, total: planned.length });
  }
  return {
    ...resultsHeader(),
    source: options.source ?? {},
    environment,
    config: loaded.config as unknown as Record<string, unknown>,
    entries,
  };
}

/** Reads every entry's first input sample and validation set up front: bad data fails before any work. */
async function checkInputs(
  planned: PlannedEntry[],
  loaded: LoadedConfig,
  cache: AccuracyCache,
): Promise<void> {
  for (const plan of planned) {
    const { inputs, source } = inputsFor(plan, loaded);
    await source.sample(0);
    if (!loaded.config.accuracy.enabled) continue;
    await validationSetFor({
      ...plan,
      inputs,
      resolve: (p) => resolveFrom(loaded.dir, p),
      configFile: loaded.file,
      cache,
    });
  }
}

/** The entry's inputs at its batch size, and their data, with errors pointing into the config. */
function inputsFor(plan: PlannedEntry, loaded: LoadedConfig) {
  const inputs = plan.model.inputs.map((i) => withBatch(i, plan.batchSize));
  return { inputs, source: inputSource(inputs, plan, loaded) };
}

function inputSource(inputs: InputSpec[], plan: PlannedEntry, loaded: LoadedConfig): InputSource {
  return new InputSource(inputs, (p) => resolveFrom(loaded.dir, p), {
    file: loaded.file,
    prefix: `models[${plan.modelIndex}].`,
  });
}

async function runEntry(
  plan: PlannedEntry,
  environment: Environment,
  options: RunOptions,
  cache: AccuracyCache,
): Promise<Entry> {
  const { loaded, runner } = options;
  const { config, dir } = loaded;
  const observer = options.observer ?? nullObserver;
  const progress = (stage: string) => (message: string) =>
    observer.onEvent({ type: 'stage', entryId: plan.id, stage, message });
  const model = plan.model;
  const { inputs, source } = inputsFor(plan, loaded);
  const onnxPath = resolveFrom(dir, model.variants[plan.precision] ?? model.onnx);
  const key: BaselineKey = {
    model: model.name,
    precision: plan.precision,
    batchSize: plan.batchSize,
    runner: runner.type,
    device: deviceKey(environment),
    runtime: runtimeKey(environment),
    optionsHash: '',
  };
  const entry: Entry = {
    id: plan.id,
    model: model.name,
    precision: plan.precision,
    batchSize: plan.batchSize,
    status: 'ok',
    key,
    incidents: [],
  };
  let engine: BuiltEngine | undefined;
  let stage: 'build' | 'benchmark' | 'accuracy' = 'build';
  try {
    const buildRequest: BuildRequest = {
      model: model.name,
      precision: plan.precision,
      batchSize: plan.batchSize,
      onnxPath,
      inputs,
      calibrationCache: model.calibrationCache ? resolveFrom(dir, model.calibrationCache) : undefined,
      workDir: join(options.workDir, 'engines'),
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
            tensorrt: environment.runtime.version,
            resolve: (p) => resolveFrom(dir, p),
            configFile: loaded.file,
            workDir: options.workDir,
          })
        : undefined;
    if (calibration) {
      progress('build')(calibration.message);
      buildRequest.calibrationCache = calibration.path;
    }
    engine = await runner.build(buildRequest, progress('build'));
    key.optionsHash = engine.optionsHash;
    entry.build = {
      timeMs: engine.timeMs,
      artifactPath: engine.artifactPath,
      artifactBytes: (await stat(engine.artifactPath)).size,
      artifactSha256: await sha256File(engine.artifactPath),
      modelSha256: await sha256File(onnxPath),
      cached: engine.cached,
      optionsHash: engine.optionsHash,
      details: calibration ? { ...engine.details, calibration } : engine.details,
    };
    if (engine.incidents) entry.incidents.push(...engine.incidents);

    stage = 'benchmark';
    const bench = config.benchmark;
    const outcome = await runner.benchmark(
      engine,
      {
        warmup: bench.warmup,
        iterations: bench.iterations,
        minDurationMs: bench.minDurationMs,
        trials: bench.trials,
      },
      await source.sample(0),
      progress('benchmark'),
    );
    const trials = trialsOf(outcome);
    entry.latency = latencyOf(trials, outcome.source);
    entry.throughput = throughputOf(trials, plan.batchSize);
    if (outcome.health) entry.health = outcome.health;
    if (outcome.unreliable) entry.unreliable = outcome.unreliable;
    if (outcome.layers) entry.layers = outcome.layers;
    if (outcome.incidents) entry.incidents.push(...outcome.incidents);

    if (config.accuracy.enabled) {
      stage = 'accuracy';
      const outcome = await runAccuracyStage({
        config,
        model,
        modelIndex: plan.modelIndex,
        precision: plan.precision,
        batchSize: plan.batchSize,
        inputs,
        source,
        resolve: (p) => resolveFrom(dir, p),
        configFile: loaded.file,
        runner,
        engine,
        build: buildRequest,
        environment,
        cache,
        workDir: options.workDir,
        progress: progress('accuracy'),
        reference: options.reference ?? onnxRuntimeCpuReference,
      });
      entry.accuracy = outcome.accuracy;
      if (outcome.incident) entry.incidents.push(outcome.incident);
    }

    if (model.sweep && plan.sweep) {
      stage = 'benchmark';
      entry.sweep = await sweepEntry(model.sweep, {
        runner,
        request: {
          model: model.name,
          precision: plan.precision,
          onnxPath,
          calibrationCache: engine.request.calibrationCache,
        },
        inputs: model.inputs,
        feeds: (resized) => inputSource(resized, plan, loaded).sample(0),
        workDir: options.workDir,
        progress: progress('sweep'),
      });
    }
  } catch (error) {
    if (error instanceof TrtGateError) throw error;
    entry.status = 'failed';
    if (error instanceof RunnerError) {
      entry.error = { stage: error.stage, message: error.incident.message };
      entry.incidents.push(error.incident);
    } else {
      const message = (error as Error).message ?? String(error);
      entry.error = { stage, message };
      entry.incidents.push({
        kind: 'runtime-error',
        stage,
        title: `${stage} failed`,
        message: message.split('\n')[0] ?? message,
        logExcerpt: (error as Error).stack,
        nextSteps: [
          'Re-run with the same config to see whether it reproduces.',
          'Check the model and its inputs in the config.',
        ],
      });
    }
  } finally {
    if (engine) await runner.release(engine);
  }
  return entry;
}
