import { effectiveLimits, evaluateAccuracy } from '../accuracy/evaluate.js';
import { REFERENCE_NAME, referenceOutputs } from '../accuracy/reference.js';
import { type LoadedConfig, resolveFrom } from '../config/load.js';
import type { ThresholdSpec, Verdict } from '../config/schema.js';
import { decide } from '../gate/compare-results.js';
import { deriveRng } from '../gate/rng.js';
import type { TensorSet } from '../inputs/tensor.js';
import { buildInfoOf, deviceKey, entryKey, runtimeKey } from '../pipeline/entry.js';
import { nullObserver, type RunObserver } from '../pipeline/events.js';
import type { PlannedEntry } from '../pipeline/plan.js';
import { resultsHeader } from '../results/header.js';
import type { BaselineKey, Entry, EntryComparison, Results } from '../results/schema.js';
import type { Runner } from '../runners/types.js';
import { type AbBudget, type AdaptiveEntry, adaptiveEntry, runAdaptive } from './adaptive.js';
import type { BaseSide } from './base-side.js';
import { abComparison, pairedSpec, unpairedComparison } from './comparison.js';
import type { Arm, ArmName } from './interleave.js';
import { judgePaired } from './paired.js';
import { pairEntries } from './pairing.js';
import { BalancedSchedule } from './schedule.js';
import { type BuiltSide, buildSide, entryOf, failedEntry } from './sides.js';

export interface AbRunOptions {
  candidate: LoadedConfig;
  base: BaseSide;
  /** Builds and runs both sides, with the candidate's runner settings. */
  runner: Runner;
  workDir: string;
  observer?: RunObserver;
  source?: Results['source'];
  only?: (p: PlannedEntry) => boolean;
  /** Overrides of the config's ab budget (CLI flags). */
  budget?: Partial<AbBudget>;
  thresholds?: Record<string, ThresholdSpec>;
  failOn?: Verdict[];
  now?: () => number;
}

interface Job {
  plan: PlannedEntry;
  key: BaselineKey;
  candidate?: BuiltSide;
  base?: BuiltSide;
  control?: BuiltSide;
  adaptive?: AdaptiveEntry;
  failed?: Entry;
  baseProblem?: string;
  unpaired?: string;
}

/**
 * `run --against`: both sides built in this job, measured in interleaved blocks with an A/A
 * control, judged on the pairs; accuracy against the fp32 reference and against the base side.
 */
export async function runAb(options: AbRunOptions): Promise<Results> {
  const { candidate, base, runner } = options;
  const config = candidate.config;
  const observer = options.observer ?? nullObserver;
  const now = options.now ?? (() => performance.now());
  const thresholds = options.thresholds ?? config.thresholds;
  const environment = await runner.probe();
  observer.onEvent({
    type: 'environment',
    description: `${deviceKey(environment)} · ${runtimeKey(environment)} · A/B against ${base.label}`,
  });
  const { pairs, notes } = pairEntries(config, base.loaded.config, options.only);
  const jobs: Job[] = [];
  const paired = pairedSpec(thresholds);
  const ab = config.ab;
  const budget: AbBudget = {
    minPairs: ab.minPairs,
    maxPairs: ab.maxPairs,
    maxSeconds: ab.maxSeconds,
    ...options.budget,
  };
  try {
    for (const [index, pairing] of pairs.entries()) {
      const plan = pairing.candidate;
      const progress = (stage: string) => (message: string) =>
        observer.onEvent({ type: 'stage', entryId: plan.id, stage, message });
      observer.onEvent({ type: 'entry-start', entryId: plan.id, index, total: pairs.length });
      const key = entryKey(plan, runner, environment);
      const job: Job = { plan, key };
      jobs.push(job);
      try {
        job.candidate = await buildSide(
          runner,
          environment,
          plan,
          candidate,
          options.workDir,
          'candidate',
          progress('build'),
        );
        key.optionsHash = job.candidate.engine.optionsHash;
      } catch (error) {
        job.failed = failedEntry(plan, key, 'build', error);
        continue;
      }
      if (pairing.kind === 'unpaired') {
        job.unpaired = pairing.reason;
        continue;
      }
      try {
        job.base = await buildSide(
          runner,
          environment,
          pairing.base,
          base.loaded,
          options.workDir,
          'base',
          progress('build base'),
        );
        if (ab.control) {
          job.control = await buildSide(
            runner,
            environment,
            pairing.base,
            base.loaded,
            options.workDir,
            'control',
            progress('build base (A/A control)'),
          );
        }
      } catch (error) {
        job.baseProblem = `the base side (${base.label}) could not be built: ${(error as Error).message.split('\n')[0]}`;
        continue;
      }
      const feeds = job.candidate.feeds;
      const arms = new Map<ArmName, Arm>([
        ['base', { runner, engine: job.base.engine, feeds }],
        ['candidate', { runner, engine: job.candidate.engine, feeds }],
      ]);
      if (job.control) arms.set('control', { runner, engine: job.control.engine, feeds });
      const schedule = new BalancedSchedule<ArmName>(
        [...arms.keys()],
        deriveRng(ab.seed, plan.id, 'schedule'),
      );
      const spec = paired ?? { minEffectPct: 5, confidence: 0.99, direction: 'lower' as const };
      job.adaptive = adaptiveEntry(plan.id, arms, schedule, (series) =>
        judgePaired({ ab: series.ab, aa: series.aa, ...spec }),
      );
    }

    const measured = jobs.flatMap((j) => (j.adaptive ? [j.adaptive] : []));
    await runAdaptive(
      measured,
      budget,
      {
        warmup: ab.blockWarmup,
        iterations: ab.blockIterations,
        minDurationMs: 0,
        interleave: ab.interleave,
        reload: ab.reload,
      },
      now,
      (e) =>
        observer.onEvent({
          type: 'stage',
          entryId: e.id,
          stage: 'A/B',
          message: `${e.series.pairs} pairs${e.judgement ? `, ${e.judgement.verdict}` : ''}`,
        }),
    );

    const entries: Entry[] = [];
    const comparisons: EntryComparison[] = [];
    const references = new Map<string, Promise<TensorSet[]>>();
    for (const [index, job] of jobs.entries()) {
      const { entry, comparison } = await finish(job, options, thresholds, paired, notes, references);
      entries.push(entry);
      comparisons.push(comparison);
      observer.onEvent({ type: 'entry-done', entry, index, total: jobs.length });
    }
    return {
      ...resultsHeader(),
      source: options.source ?? {},
      environment,
      config: config as unknown as Record<string, unknown>,
      entries,
      comparisons,
      gate: decide(comparisons, options.failOn ?? config.gate.failOn),
    };
  } finally {
    for (const job of jobs) {
      for (const side of [job.candidate, job.base, job.control]) if (side) await runner.release(side.engine);
    }
    await base.cleanup();
  }
}

async function finish(
  job: Job,
  options: AbRunOptions,
  thresholds: Record<string, ThresholdSpec>,
  paired: ReturnType<typeof pairedSpec>,
  notes: string[],
  references: Map<string, Promise<TensorSet[]>>,
): Promise<{ entry: Entry; comparison: EntryComparison }> {
  const { plan, key } = job;
  if (job.failed || !job.candidate) {
    const entry = job.failed!;
    return { entry, comparison: unpairedComparison(entry, thresholds, 'failed') };
  }
  const blocks = job.adaptive?.series.blocksOf('candidate') ?? [];
  const source = blocks[0]?.source ?? 'blocks';
  let entry = entryOf(plan, key, await buildInfoOf(job.candidate), blocks, source);
  // Build incidents (e.g. a timing-cache miss) belong to the candidate's entry, as in a plain run.
  const buildIncidents = job.candidate.engine.incidents ?? [];
  entry.incidents.push(...buildIncidents);
  try {
    if (blocks.length === 0) {
      // Unpaired or base-less: the candidate is still benchmarked and checked, as a plain run would.
      const cfg = options.candidate.config.benchmark;
      const outcome = await options.runner.benchmark(
        job.candidate.engine,
        {
          warmup: cfg.warmup,
          iterations: cfg.iterations,
          minDurationMs: cfg.minDurationMs,
          trials: cfg.trials,
        },
        job.candidate.feeds,
        () => {},
      );
      entry = entryOf(
        plan,
        key,
        entry.build,
        outcome.trials.map((samples, i) => ({
          samples,
          wallMs: outcome.wallMs[i] ?? 0,
          median: 0,
          source: outcome.source,
        })),
        outcome.source,
      );
      entry.incidents.push(...buildIncidents);
      if (outcome.unreliable) entry.unreliable = outcome.unreliable;
    }
    await checkAccuracy(job, entry, options, references);
  } catch (error) {
    const failed = failedEntry(plan, key, entry.accuracy ? 'accuracy' : 'benchmark', error);
    return { entry: failed, comparison: unpairedComparison(failed, thresholds, 'failed') };
  }
  if (job.unpaired) return { entry, comparison: unpairedComparison(entry, thresholds, job.unpaired) };
  if (job.baseProblem || !job.base || !job.adaptive) {
    return {
      entry,
      comparison: unpairedComparison(entry, thresholds, job.baseProblem ?? 'the base side was not measured'),
    };
  }
  const baseEntry = entryOf(
    plan,
    key,
    await buildInfoOf(job.base),
    job.adaptive.series.blocksOf('base'),
    source,
  );
  const comparison = abComparison({
    candidate: entry,
    base: baseEntry,
    thresholds,
    paired,
    adaptive: job.adaptive,
    summary: {
      base: options.base.label,
      blockIterations: options.candidate.config.ab.blockIterations,
      notes,
    },
  });
  return { entry, comparison };
}

async function checkAccuracy(
  job: Job,
  entry: Entry,
  options: AbRunOptions,
  references: Map<string, Promise<TensorSet[]>>,
): Promise<void> {
  const config = options.candidate.config;
  if (!config.accuracy.enabled || !job.candidate) return;
  const { plan } = job;
  const feeds = [];
  for (let s = 0; s < config.accuracy.samples; s++) feeds.push(await job.candidate.source.sample(s));
  const refKey = `${plan.model.name}/b${plan.batchSize}`;
  let reference = references.get(refKey);
  if (!reference) {
    reference = referenceOutputs(resolveFrom(options.candidate.dir, plan.model.onnx), feeds);
    references.set(refKey, reference);
  }
  const outputs = await options.runner.infer(job.candidate.engine, feeds);
  const common = { outputs: plan.model.outputs, classifier: plan.model.classifier };
  entry.accuracy = evaluateAccuracy({
    ...common,
    reference: await reference,
    candidate: outputs,
    limits: effectiveLimits(plan.precision, config.accuracy.limits, plan.model.accuracy?.limits),
    referenceName: REFERENCE_NAME,
  });
  if (job.base) {
    // Drift against the engine in production, on the same inputs; reported, not limited.
    entry.accuracyVsBase = evaluateAccuracy({
      ...common,
      reference: await options.runner.infer(job.base.engine, feeds),
      candidate: outputs,
      limits: {},
      referenceName: `base side (${options.base.label})`,
    });
  }
}
