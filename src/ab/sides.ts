import { join } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { InputSource } from '../inputs/generate.js';
import type { TensorSet } from '../inputs/tensor.js';
import { buildEntryEngine, type EntryBuild, entryInputs, markFailed, newEntry } from '../pipeline/entry.js';
import { latencyOf, throughputOf } from '../pipeline/measurements.js';
import type { PlannedEntry } from '../pipeline/plan.js';
import type { BaselineKey, BuildInfo, Entry, Environment, Stage } from '../results/schema.js';
import type { Runner } from '../runners/types.js';
import { summarize } from '../stats/summary.js';
import type { Block } from './interleave.js';

/** One side's engine for an entry: its build (as a plain run makes it) and its inputs. */
export interface BuiltSide extends EntryBuild {
  plan: PlannedEntry;
  loaded: LoadedConfig;
  feeds: TensorSet;
  source: InputSource;
}

/** Builds one side of an entry into its own engine directory (sides never share artifact paths). */
export async function buildSide(
  runner: Runner,
  environment: Environment,
  plan: PlannedEntry,
  loaded: LoadedConfig,
  workDir: string,
  side: 'candidate' | 'base' | 'control',
  progress: (message: string) => void,
): Promise<BuiltSide> {
  const { inputs, source } = entryInputs(plan, loaded);
  const build = await buildEntryEngine({
    plan,
    loaded,
    runner,
    environment,
    inputs,
    workDir,
    engineDir: join(workDir, 'engines', side),
    progress,
  });
  return { ...build, plan, loaded, feeds: await source.sample(0), source };
}

/** An entry with the side's blocks as its trials (each block is one short trial). */
export function entryOf(
  plan: PlannedEntry,
  key: BaselineKey,
  build: BuildInfo | undefined,
  blocks: Block[],
  source: string,
): Entry {
  const entry = newEntry(plan, key);
  if (build) entry.build = build;
  const kept = blocks.filter((b) => b.samples.length > 0);
  if (kept.length > 0) {
    const trials = kept.map((b) => ({ samples: b.samples, stats: summarize(b.samples), wallMs: b.wallMs }));
    entry.latency = latencyOf(trials, source);
    entry.throughput = throughputOf(trials, plan.batchSize);
  }
  return entry;
}

/** A failed entry, with the runner's incident or one made from the error. */
export function failedEntry(plan: PlannedEntry, key: BaselineKey, stage: Stage, error: unknown): Entry {
  return markFailed(newEntry(plan, key), stage, error);
}
