import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type LoadedConfig, resolveFrom } from '../config/load.js';
import { InputSource, withBatch } from '../inputs/generate.js';
import type { TensorSet } from '../inputs/tensor.js';
import { latencyOf, throughputOf } from '../pipeline/measurements.js';
import type { PlannedEntry } from '../pipeline/plan.js';
import type { BaselineKey, BuildInfo, Entry, Incident } from '../results/schema.js';
import { type BuiltEngine, type Runner, RunnerError } from '../runners/types.js';
import { summarize } from '../stats/summary.js';
import { sha256File } from '../util/hash.js';
import type { Block } from './interleave.js';

/** One side's engine for an entry: where its ONNX file came from and what the build gave. */
export interface BuiltSide {
  plan: PlannedEntry;
  loaded: LoadedConfig;
  onnxPath: string;
  engine: BuiltEngine;
  feeds: TensorSet;
  source: InputSource;
}

export function inputSourceFor(plan: PlannedEntry, loaded: LoadedConfig): InputSource {
  const inputs = plan.model.inputs.map((i) => withBatch(i, plan.batchSize));
  return new InputSource(inputs, (p) => resolveFrom(loaded.dir, p), {
    file: loaded.file,
    prefix: `models[${plan.modelIndex}].`,
  });
}

/** Builds one side of an entry into its own work directory (sides never share artifact paths). */
export async function buildSide(
  runner: Runner,
  plan: PlannedEntry,
  loaded: LoadedConfig,
  workDir: string,
  progress: (message: string) => void,
): Promise<BuiltSide> {
  const model = plan.model;
  const onnxPath = resolveFrom(loaded.dir, model.variants[plan.precision] ?? model.onnx);
  const source = inputSourceFor(plan, loaded);
  const engine = await runner.build(
    {
      model: model.name,
      precision: plan.precision,
      batchSize: plan.batchSize,
      onnxPath,
      inputs: model.inputs.map((i) => withBatch(i, plan.batchSize)),
      calibrationCache: model.calibrationCache ? resolveFrom(loaded.dir, model.calibrationCache) : undefined,
      workDir,
    },
    progress,
  );
  return { plan, loaded, onnxPath, engine, feeds: await source.sample(0), source };
}

export async function buildInfoOf(side: BuiltSide): Promise<BuildInfo> {
  const e = side.engine;
  return {
    timeMs: e.timeMs,
    artifactPath: e.artifactPath,
    artifactBytes: (await stat(e.artifactPath)).size,
    artifactSha256: await sha256File(e.artifactPath),
    modelSha256: await sha256File(side.onnxPath),
    cached: e.cached,
    optionsHash: e.optionsHash,
    details: e.details,
  };
}

/** An entry with the side's blocks as its trials (each block is one short trial). */
export function entryOf(
  plan: PlannedEntry,
  key: BaselineKey,
  build: BuildInfo | undefined,
  blocks: Block[],
  source: string,
): Entry {
  const entry: Entry = {
    id: plan.id,
    model: plan.model.name,
    precision: plan.precision,
    batchSize: plan.batchSize,
    status: 'ok',
    key,
    incidents: [],
    ...(build ? { build } : {}),
  };
  const kept = blocks.filter((b) => b.samples.length > 0);
  if (kept.length > 0) {
    const trials = kept.map((b) => ({ samples: b.samples, stats: summarize(b.samples), wallMs: b.wallMs }));
    entry.latency = latencyOf(trials, source);
    entry.throughput = throughputOf(trials, plan.batchSize);
  }
  return entry;
}

/** A failed entry, with the runner's incident or one made from the error. */
export function failedEntry(
  plan: PlannedEntry,
  key: BaselineKey,
  stage: 'build' | 'benchmark' | 'accuracy',
  error: unknown,
): Entry {
  const incident: Incident =
    error instanceof RunnerError
      ? error.incident
      : {
          kind: 'runtime-error',
          stage,
          title: `${stage} failed`,
          message: ((error as Error).message ?? String(error)).split('\n')[0] ?? '',
          logExcerpt: (error as Error).stack,
          nextSteps: ['Re-run with the same config to see whether it reproduces.'],
        };
  return {
    id: plan.id,
    model: plan.model.name,
    precision: plan.precision,
    batchSize: plan.batchSize,
    status: 'failed',
    key,
    incidents: [incident],
    error: { stage: error instanceof RunnerError ? error.stage : stage, message: incident.message },
  };
}

export function engineDir(workDir: string, side: 'candidate' | 'base' | 'control'): string {
  return join(workDir, 'engines', side);
}
