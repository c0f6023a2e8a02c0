import { type AccuracyReference, onnxRuntimeCpuReference } from '../accuracy/reference.js';
import { AccuracyCache, runAccuracyStage, validationSetFor } from '../accuracy/stage.js';
import { type LoadedConfig, namingConfigFile, resolveFrom } from '../config/load.js';
import { TrtGateError } from '../errors.js';
import { resultsHeader } from '../results/header.js';
import type { Entry, Environment, Results } from '../results/schema.js';
import type { BuiltEngine, Runner } from '../runners/types.js';
import { sweepEntry } from '../sweep/entry.js';
import {
  buildEntryEngine,
  buildInfoOf,
  deviceKey,
  entryInputs,
  entryKey,
  inputSourceOf,
  markFailed,
  newEntry,
  runtimeKey,
} from './entry.js';
import { nullObserver, type RunObserver } from './events.js';
import { latencyOf, throughputOf, trialsOf } from './measurements.js';
import { type PlannedEntry, planEntries } from './plan.js';

/** Re-exported for the modules that take the key parts from here. */
export { deviceKey, runtimeKey };

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
    const { inputs, source } = entryInputs(plan, loaded);
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
  const { inputs, source } = entryInputs(plan, loaded);
  const key = entryKey(plan, runner, environment);
  const entry = newEntry(plan, key);
  let engine: BuiltEngine | undefined;
  let stage: 'build' | 'benchmark' | 'accuracy' = 'build';
  try {
    const built = await buildEntryEngine({
      plan,
      loaded,
      runner,
      environment,
      inputs,
      workDir: options.workDir,
      progress: progress('build'),
    });
    engine = built.engine;
    key.optionsHash = engine.optionsHash;
    entry.build = await buildInfoOf(built);
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
        build: built.request,
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
          onnxPath: built.onnxPath,
          calibrationCache: engine.request.calibrationCache,
        },
        inputs: model.inputs,
        feeds: (resized) => inputSourceOf(resized, plan, loaded).sample(0),
        workDir: options.workDir,
        progress: progress('sweep'),
      });
    }
  } catch (error) {
    if (error instanceof TrtGateError) throw error;
    markFailed(entry, stage, error);
  } finally {
    if (engine) await runner.release(engine);
  }
  return entry;
}
