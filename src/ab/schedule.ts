import type { Rng } from '../gate/rng.js';

/**
 * The order of arms within each round of blocks. Over every cycle of k! rounds each permutation of
 * the k arms is used once, in a shuffled order: each arm takes each position equally often and
 * precedes each other arm equally often (for two arms: AB BA / BA AB — ABBA), so a drift within
 * a round, or a block that warms the cache for the next, falls on both sides alike. The shuffle
 * keeps a periodic disturbance from lining up with one arm.
 */
export class BalancedSchedule<Arm> {
  private cycle: Arm[][] = [];
  private readonly permutations: Arm[][];

  constructor(
    arms: readonly Arm[],
    private readonly rng: Rng,
  ) {
    if (arms.length === 0) throw new Error('a schedule needs at least one arm');
    this.permutations = permutationsOf([...arms]);
  }

  /** The arms in the order the next round measures them. */
  next(): Arm[] {
    if (this.cycle.length === 0) {
      this.cycle = this.permutations.map((p) => [...p]);
      for (let i = this.cycle.length - 1; i > 0; i--) {
        const j = Math.floor(this.rng.next() * (i + 1));
        [this.cycle[i], this.cycle[j]] = [this.cycle[j]!, this.cycle[i]!];
      }
    }
    return this.cycle.pop()!;
  }

  /** Rounds in one balanced cycle. */
  get cycleLength(): number {
    return this.permutations.length;
  }
}

function permutationsOf<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  const out: T[][] = [];
  items.forEach((item, i) => {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const p of permutationsOf(rest)) out.push([item, ...p]);
  });
  return out;
}
