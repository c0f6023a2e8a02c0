import { median } from '../gate/numeric.js';
import type { TensorSet } from '../inputs/tensor.js';
import type { BenchmarkOutcome, BuiltEngine, Runner } from '../runners/types.js';

/**
 * Interleaved measurement: a round is one block per arm, back to back, in the schedule's order.
 * A block is a short run of the arm's runner (one trial of `iterations`, after the same warm-up
 * for every block), so any runner works: onnxruntime keeps every arm's session in this process;
 * trtexec makes one short --loadEngine invocation per block, with its GPU health sampled around
 * it. A block the runner marks unreliable (throttling, clock drop) discards its whole round —
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
}

export async function measureRound(
  arms: ReadonlyMap<ArmName, Arm>,
  order: readonly ArmName[],
  plan: BlockPlan,
  now: () => number,
): Promise<Round> {
  const started = now();
  const round: Round = { order: [...order], blocks: {}, wallMs: 0 };
  for (const name of order) {
    const arm = arms.get(name);
    if (!arm) throw new Error(`no arm ${name} to measure`);
    const outcome: BenchmarkOutcome = await arm.runner.benchmark(
      arm.engine,
      { ...plan, trials: 1 },
      arm.feeds,
      () => {},
    );
    const samples = outcome.trials[0] ?? [];
    if (outcome.unreliable && !round.discarded) round.discarded = `${name} block: ${outcome.unreliable}`;
    if (samples.length === 0 && !round.discarded) round.discarded = `${name} block: no samples`;
    round.blocks[name] = {
      samples,
      wallMs: outcome.wallMs[0] ?? samples.reduce((a, b) => a + b, 0),
      median: samples.length > 0 ? median(samples) : Number.NaN,
      source: outcome.source,
      ...(outcome.health ? { health: outcome.health } : {}),
    }; // The round no longer counts: measuring its other blocks would only spend the budget.
    if (round.discarded) break;
  }
  round.wallMs = now() - started;
  return round;
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
    const base = round.blocks.base?.median;
    const cand = round.blocks.candidate?.median;
    if (!(base! > 0) || !(cand! > 0)) {
      this.discarded.push('a block median is not positive');
      return;
    }
    this.ab.push(Math.log(cand! / base!));
    const control = round.blocks.control?.median;
    if (control !== undefined) this.aa.push(Math.log(control / base!));
  }

  get pairs(): number {
    return this.ab.length;
  }

  /** Every kept block of one arm, in order (discarded rounds left out). */
  blocksOf(arm: ArmName): Block[] {
    return this.rounds.filter((r) => !r.discarded).flatMap((r) => (r.blocks[arm] ? [r.blocks[arm]] : []));
  }
}
