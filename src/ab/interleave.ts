import { median } from '../gate/numeric.js';
import type { TensorSet } from '../inputs/tensor.js';
import type { BenchmarkOutcome, BuiltEngine, Runner } from '../runners/types.js';
import type { BalancedSchedule } from './schedule.js';

/**
 * Interleaved measurement: a round gives every arm one block of `iterations` timed inferences
 * after the same warm-up. Where all arms share a runner that can interleave inference by
 * inference (onnxruntime: every session in this process), the blocks are measured together,
 * each step running every arm once in the schedule's next order. Otherwise (trtexec: one short
 * --loadEngine invocation per block, GPU health sampled around it) the blocks run back to back in
 * the schedule's order. A block the runner marks unreliable (throttling, clock drop) discards its whole round —
 * the pair would compare a throttled block with a healthy one — and the reason is recorded.
 */

/** base: the PR base; control: the base again as its own arm (A/A); candidate: the change. */
export type ArmName = 'base' | 'control' | 'candidate';

export interface Arm {
  runner: Runner;
  engine: BuiltEngine;
  feeds: TensorSet;
}

export interface BlockPlan {
  warmup: number;
  iterations: number;
  minDurationMs: number;
  /** `inference` (default): arms alternate inference by inference where the runner can; `block`: always whole blocks. */
  interleave?: 'inference' | 'block';
  /** `cycle` (default): fresh sessions for every arm after each balanced cycle, where the runner can reload. */
  reload?: 'cycle' | 'never';
}

export interface Block {
  samples: number[];
  wallMs: number;
  median: number;
  /** What a sample measures (the runner's `source`). */
  source: string;
  health?: Record<string, unknown>;
}

export interface Round {
  order: ArmName[];
  blocks: Partial<Record<ArmName, Block>>;
  /** Wall time of the round, all blocks and warm-ups, ms. */
  wallMs: number;
  /** Why the round does not count (a block marked unreliable). */
  discarded?: string;
  /** The arms were timed inference by inference: sample i of every block is from the same step. */
  stepwise?: boolean;
}

export async function measureRound(
  arms: ReadonlyMap<ArmName, Arm>,
  schedule: BalancedSchedule<ArmName>,
  plan: BlockPlan,
  now: () => number,
): Promise<Round> {
  const started = now();
  const runner = sharedInterleavingRunner(arms, plan);
  const round = runner
    ? await interleavedRound(runner, arms, schedule, plan)
    : await blockRound(arms, schedule.next(), plan);
  round.wallMs = now() - started;
  return round;
}

/**
 * The runner that can time every arm inference by inference, when all arms share it and the plan
 * allows it. A burst of other work then lands on one or two neighbouring inferences of different
 * arms — which each arm's block median shrugs off — instead of on a whole block of one arm.
 */
function sharedInterleavingRunner(arms: ReadonlyMap<ArmName, Arm>, plan: BlockPlan): Runner | undefined {
  if (plan.interleave === 'block') return undefined;
  const runners = new Set([...arms.values()].map((a) => a.runner));
  const [runner] = runners;
  return runners.size === 1 && runner?.benchmarkInterleaved ? runner : undefined;
}

async function interleavedRound(
  runner: Runner,
  arms: ReadonlyMap<ArmName, Arm>,
  schedule: BalancedSchedule<ArmName>,
  plan: BlockPlan,
): Promise<Round> {
  const names = [...arms.keys()];
  const index = new Map(names.map((n, i) => [n, i]));
  // Each inference step takes the schedule's next permutation: balanced over every cycle.
  const orders = Array.from({ length: plan.warmup + plan.iterations }, () =>
    schedule.next().map((n) => index.get(n)!),
  );
  const outcomes = await runner.benchmarkInterleaved!(
    names.map((n) => ({ engine: arms.get(n)!.engine, feeds: arms.get(n)!.feeds })),
    { warmup: plan.warmup, iterations: plan.iterations, order: (i) => orders[i]! },
  );
  const round: Round = { order: orders[0]!.map((i) => names[i]!), blocks: {}, wallMs: 0, stepwise: true };
  for (const [i, name] of names.entries()) record(round, name, outcomes[i]!);
  return round;
}

async function blockRound(
  arms: ReadonlyMap<ArmName, Arm>,
  order: readonly ArmName[],
  plan: BlockPlan,
): Promise<Round> {
  const round: Round = { order: [...order], blocks: {}, wallMs: 0 };
  for (const name of order) {
    const arm = arms.get(name);
    if (!arm) throw new Error(`no arm ${name} to measure`);
    const outcome: BenchmarkOutcome = await arm.runner.benchmark(
      arm.engine,
      { warmup: plan.warmup, iterations: plan.iterations, minDurationMs: plan.minDurationMs, trials: 1 },
      arm.feeds,
      () => {},
    );
    record(round, name, outcome);
    // The round no longer counts: measuring its other blocks would only spend the budget.
    if (round.discarded) break;
  }
  return round;
}

function record(round: Round, name: ArmName, outcome: BenchmarkOutcome): void {
  const samples = outcome.trials[0] ?? [];
  if (outcome.unreliable && !round.discarded) round.discarded = `${name} block: ${outcome.unreliable}`;
  if (samples.length === 0 && !round.discarded) round.discarded = `${name} block: no samples`;
  round.blocks[name] = {
    samples,
    wallMs: outcome.wallMs[0] ?? samples.reduce((a, b) => a + b, 0),
    median: samples.length > 0 ? median(samples) : Number.NaN,
    source: outcome.source,
    ...(outcome.health ? { health: outcome.health } : {}),
  };
}

/**
 * One pair of a round: how much slower an arm was than the base arm, as a log ratio. Timed
 * inference by inference, it is the median over the steps of log(arm / base) of the two
 * inferences of the same step, measured back to back: whatever the machine did at that moment
 * (a frequency step, another job's burst) lands on both and cancels in the ratio, which the
 * ratio of the two block medians leaves in (measured on this VM: per-pair spread 1.5–2 % against
 * 3.5–4.4 %, the same centre; bench/ab-detection.ts). Whole blocks, measured one after the other,
 * have no such steps: the ratio of their medians.
 */
export function pairLogRatio(arm: Block, base: Block, stepwise: boolean): number {
  if (stepwise && arm.samples.length === base.samples.length && arm.samples.length > 0) {
    // A step with a time that is not positive (no sample) has no ratio; the others still do.
    const steps = arm.samples.map((ms, i) => Math.log(ms / base.samples[i]!)).filter(Number.isFinite);
    if (steps.length > 0) return median(steps);
  }
  return Math.log(arm.median / base.median);
}

/** The pairs of a series of rounds: log ratios against the base arm's block of the same round. */
export class PairedSeries {
  readonly ab: number[] = [];
  readonly aa: number[] = [];
  readonly rounds: Round[] = [];
  readonly discarded: string[] = [];
  spentMs = 0;

  add(round: Round): void {
    this.rounds.push(round);
    this.spentMs += round.wallMs;
    if (round.discarded) {
      this.discarded.push(round.discarded);
      return;
    }
    const { base, candidate, control } = round.blocks;
    const positive = (b: Block | undefined) => b !== undefined && b.median > 0;
    if (!positive(base) || !positive(candidate) || (control && !positive(control))) {
      this.discarded.push('a block median is not positive');
      return;
    }
    const stepwise = round.stepwise === true;
    this.ab.push(pairLogRatio(candidate!, base!, stepwise));
    if (control) this.aa.push(pairLogRatio(control, base!, stepwise));
  }

  get pairs(): number {
    return this.ab.length;
  }

  /** Every kept block of one arm, in order (discarded rounds left out). */
  blocksOf(arm: ArmName): Block[] {
    return this.rounds.filter((r) => !r.discarded).flatMap((r) => (r.blocks[arm] ? [r.blocks[arm]] : []));
  }
}
