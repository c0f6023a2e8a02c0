import { describe, expect, it } from 'vitest';
import { adaptiveEntry, runAdaptive } from '../../src/ab/adaptive.js';
import {
  type Arm,
  type ArmName,
  type BlockPlan,
  measureRound,
  pairLogRatio,
} from '../../src/ab/interleave.js';
import { judgePaired } from '../../src/ab/paired.js';
import { BalancedSchedule } from '../../src/ab/schedule.js';
import { createRng } from '../../src/gate/rng.js';
import type { TensorSet } from '../../src/inputs/tensor.js';
import type {
  BenchmarkOutcome,
  BenchmarkPlan,
  BuiltEngine,
  InterleavedArm,
  InterleavedPlan,
  Runner,
} from '../../src/runners/types.js';
import { mulberry32, normalSource } from '../../src/util/prng.js';

/**
 * An in-memory runner whose "inference" latency is known: engine speed × a machine state shared
 * by everything that runs (a slow random walk: other jobs coming and going) × per-inference noise,
 * plus bursts (a preemption: one inference 1.5–4× slower). Seeded, so every run is the same.
 */
class SimulatedMachine implements Runner {
  readonly type = 'simulated';
  readonly order: string[] = [];
  private readonly uniform: () => number;
  private readonly normal: () => number;
  private state = 0;
  /** Per loaded session: where its memory landed (1 unless `misplaced` says otherwise). */
  private readonly placement = new Map<BuiltEngine, number>();
  reloads = 0;
  /** Engines in the order their sessions were reloaded. */
  readonly reloadOrder: string[] = [];

  constructor(
    seed: number,
    interleaves: boolean,
    private readonly drift = 0.02,
    /** Chance that a session lands 4 % slower or faster for its whole life. */
    private readonly misplaced = 0,
  ) {
    this.uniform = mulberry32(seed);
    this.normal = normalSource(mulberry32(seed ^ 0x9e3779b9));
    if (interleaves) this.benchmarkInterleaved = (arms, plan) => this.interleaved(arms, plan);
    if (misplaced > 0)
      this.reload = async (engine) => {
        this.reloadOrder.push(engine.artifactPath);
        this.load(engine);
      };
  }

  private load(engine: BuiltEngine): number {
    this.reloads++;
    if (this.misplaced === 0) return 1;
    const u = this.uniform();
    const factor = u < this.misplaced ? (u < this.misplaced / 2 ? 1.04 : 1 / 1.04) : 1;
    this.placement.set(engine, factor);
    return factor;
  }

  private inference(engine: BuiltEngine): number {
    this.order.push(engine.artifactPath);
    this.state = 0.98 * this.state + this.drift * this.normal();
    const burst = this.uniform() < 0.03 ? 1.5 + 2.5 * this.uniform() : 1;
    const placed = this.placement.get(engine) ?? this.load(engine);
    return Number(engine.details.ms) * placed * Math.exp(this.state + 0.03 * this.normal()) * burst;
  }

  reload?: Runner['reload'];

  async benchmark(engine: BuiltEngine, plan: BenchmarkPlan): Promise<BenchmarkOutcome> {
    for (let i = 0; i < plan.warmup; i++) this.inference(engine);
    const samples = Array.from({ length: plan.iterations }, () => this.inference(engine));
    return { trials: [samples], wallMs: [samples.reduce((a, b) => a + b, 0)], source: 'simulated' };
  }

  benchmarkInterleaved?: Runner['benchmarkInterleaved'];

  private async interleaved(
    arms: readonly InterleavedArm[],
    plan: InterleavedPlan,
  ): Promise<BenchmarkOutcome[]> {
    const samples: number[][] = arms.map(() => []);
    for (let i = 0; i < plan.warmup + plan.iterations; i++)
      for (const a of plan.order(i)) {
        const ms = this.inference(arms[a]!.engine);
        if (i >= plan.warmup) samples[a]!.push(ms);
      }
    return samples.map((s) => ({ trials: [s], wallMs: [s.reduce((a, b) => a + b, 0)], source: 'simulated' }));
  }

  async probe(): Promise<never> {
    throw new Error('not used');
  }
  async build(): Promise<never> {
    throw new Error('not used');
  }
  async infer(): Promise<TensorSet[]> {
    return [];
  }
  async release(): Promise<void> {}
  async close(): Promise<void> {}
}

const engine = (name: string, ms: number): BuiltEngine =>
  ({ artifactPath: name, details: { ms } }) as unknown as BuiltEngine;

function armsOf(runner: Runner, slowdown: number): Map<ArmName, Arm> {
  const feeds = {} as TensorSet;
  return new Map<ArmName, Arm>([
    ['base', { runner, engine: engine('base', 1), feeds }],
    ['control', { runner, engine: engine('control', 1), feeds }],
    ['candidate', { runner, engine: engine('candidate', 1 + slowdown), feeds }],
  ]);
}

const plan: BlockPlan = { warmup: 5, iterations: 50, minDurationMs: 0 };
let clock = 0;
const now = () => clock++;

async function judgeJob(
  seed: number,
  slowdown: number,
  interleave: BlockPlan['interleave'] = 'inference',
  runner = new SimulatedMachine(seed, true),
  reload: BlockPlan['reload'] = 'cycle',
) {
  const arms = armsOf(runner, slowdown);
  const e = adaptiveEntry('m', arms, new BalancedSchedule<ArmName>([...arms.keys()], createRng(seed)), (s) =>
    judgePaired({ ab: s.ab, aa: s.aa, minEffectPct: 2, confidence: 0.99, direction: 'lower' }),
  );
  await runAdaptive(
    [e],
    { minPairs: 12, maxPairs: 150, maxSeconds: 1e12 },
    { ...plan, interleave, reload },
    now,
  );
  return e;
}

describe('interleaved rounds', () => {
  it('alternate the arms inference by inference, every arm in every position equally often', async () => {
    const runner = new SimulatedMachine(1, true);
    const round = await measureRound(
      armsOf(runner, 0),
      new BalancedSchedule<ArmName>(['base', 'control', 'candidate'], createRng(3)),
      { warmup: 0, iterations: 60, minDurationMs: 0 },
      now,
    );
    for (const arm of ['base', 'control', 'candidate'] as const) {
      expect(round.blocks[arm]!.samples).toHaveLength(60);
      // 60 steps = 10 balanced cycles of the 6 orders: each arm leads 20 times.
      const leads = runner.order.filter((a, i) => i % 3 === 0 && a === arm).length;
      expect(leads).toBe(20);
    }
    // Never a block: no arm runs more than twice in a row (end of one order, start of the next).
    let run = 1;
    for (let i = 1; i < runner.order.length; i++) {
      run = runner.order[i] === runner.order[i - 1] ? run + 1 : 1;
      expect(run).toBeLessThanOrEqual(2);
    }
  });

  it('fall back to whole blocks when the runner cannot interleave, or the plan says block', async () => {
    const cases = [
      { runner: new SimulatedMachine(2, false), interleave: undefined },
      { runner: new SimulatedMachine(2, true), interleave: 'block' as const },
    ];
    for (const { runner, interleave } of cases) {
      await measureRound(
        armsOf(runner, 0),
        new BalancedSchedule<ArmName>(['base', 'control', 'candidate'], createRng(3)),
        { warmup: 0, iterations: 10, minDurationMs: 0, interleave },
        now,
      );
      const changes = runner.order.filter((a, i) => i > 0 && a !== runner.order[i - 1]).length;
      expect(changes).toBe(2);
    }
  });
});

describe('pairs of a round', () => {
  it('timed step by step, the ratio of back-to-back inferences cancels what the machine did at that moment', async () => {
    // A machine whose state moves quickly (other work coming and going within a block).
    const runner = new SimulatedMachine(7, true, 0.06);
    const schedule = new BalancedSchedule<ArmName>(['base', 'control', 'candidate'], createRng(7));
    const stepwise: number[] = [];
    const medians: number[] = [];
    for (let r = 0; r < 60; r++) {
      const round = await measureRound(armsOf(runner, 0.05), schedule, plan, now);
      expect(round.stepwise).toBe(true);
      const { base, candidate } = round.blocks;
      stepwise.push(pairLogRatio(candidate!, base!, true));
      medians.push(pairLogRatio(candidate!, base!, false));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
    // Both find the 5 % slowdown; the steps with a smaller spread than the block medians (measured
    // here: 1.6 % against 2.9 %; on the real VM 1.5–2 % against 3.5–4.4 %).
    expect(Math.abs(mean(stepwise) - Math.log(1.05))).toBeLessThan(0.01);
    expect(Math.abs(mean(medians) - Math.log(1.05))).toBeLessThan(0.02);
    expect(sd(stepwise)).toBeLessThan(0.7 * sd(medians));
  });

  it('whole blocks (no common steps) pair by the ratio of their medians', async () => {
    const runner = new SimulatedMachine(8, false);
    const round = await measureRound(
      armsOf(runner, 0.05),
      new BalancedSchedule<ArmName>(['base', 'control', 'candidate'], createRng(8)),
      plan,
      now,
    );
    expect(round.stepwise).toBeFalsy();
    const { base, candidate } = round.blocks;
    expect(pairLogRatio(candidate!, base!, false)).toBe(Math.log(candidate!.median / base!.median));
  });
});

describe('adaptive A/B on a simulated noisy machine (seeded)', () => {
  it('A/A: no false alarm in 150 jobs; +5 %: regressed in ≥ 95 of 100 and +10 % in all', async () => {
    let alarms = 0;
    for (let s = 0; s < 150; s++)
      if ((await judgeJob(100 + s, 0)).judgement!.verdict !== 'inconclusive') {
        // unchanged is right; only regressed/improved are false alarms
        if ((await judgeJob(100 + s, 0)).judgement!.verdict !== 'unchanged') alarms++;
      }
    expect(alarms).toBe(0);
    let five = 0;
    let ten = 0;
    for (let s = 0; s < 100; s++) {
      if ((await judgeJob(1000 + s, 0.05)).judgement!.verdict === 'regressed') five++;
      if ((await judgeJob(2000 + s, 0.1)).judgement!.verdict === 'regressed') ten++;
    }
    expect(five).toBeGreaterThanOrEqual(95);
    expect(ten).toBe(100);
  });

  it('an effect on the threshold mostly stops as futile, long before the maximum pairs', async () => {
    const pairs: number[] = [];
    let futile = 0;
    for (let s = 0; s < 10; s++) {
      const e = await judgeJob(4000 + s, 0.02);
      if (e.stopped === 'futile') futile++;
      else expect(e.stopped).toBe('settled');
      pairs.push(e.series.pairs);
    }
    // Measured here: 10 of 10 futile, after 15 pairs (median) of the 150 allowed.
    expect(futile).toBeGreaterThanOrEqual(8);
    expect(pairs.sort((a, b) => a - b)[5]!).toBeLessThan(50);
  });

  it('fresh sessions every cycle keep a misplaced session from flagging an unchanged model', async () => {
    // One session in five lands 4 % slower or faster for its life (memory placement).
    const alarms = async (reload: 'cycle' | 'never') => {
      let n = 0;
      let reloads = 0;
      for (let s = 0; s < 40; s++) {
        const runner = new SimulatedMachine(5000 + s, true, 0.02, 0.2);
        const e = await judgeJob(5000 + s, 0, 'inference', runner, reload);
        if (e.judgement!.verdict === 'regressed' || e.judgement!.verdict === 'improved') n++;
        reloads += runner.reloads;
      }
      return { n, reloads };
    };
    const kept = await alarms('never');
    const fresh = await alarms('cycle');
    // Measured here: 8 of 40 flagged with one session per arm, none with fresh sessions.
    expect(kept.reloads).toBe(40 * 3);
    expect(kept.n).toBeGreaterThanOrEqual(4);
    expect(fresh.reloads).toBeGreaterThan(40 * 3 * 2);
    expect(fresh.n).toBe(0);
  });

  it('reloads rotate which arm gets the first fresh session, so that no arm carries its bias', async () => {
    const runner = new SimulatedMachine(77, true, 0.02, 0.2);
    const arms = armsOf(runner, 0);
    const e = adaptiveEntry('m', arms, new BalancedSchedule<ArmName>([...arms.keys()], createRng(77)), (s) =>
      judgePaired({ ab: s.ab, aa: s.aa, minEffectPct: 2, confidence: 0.99, direction: 'lower' }),
    );
    // minPairs 36: six cycles before any verdict.
    await runAdaptive(
      [e],
      { minPairs: 36, maxPairs: 150, maxSeconds: 1e12 },
      { ...plan, reload: 'cycle' },
      now,
    );
    const groups = runner.reloadOrder.length / arms.size;
    expect(groups).toBeGreaterThanOrEqual(6);
    const firsts = new Map<string, number>();
    for (let g = 0; g < groups; g++) {
      const first = runner.reloadOrder[g * arms.size]!;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    expect(firsts.size).toBe(arms.size);
    expect(Math.max(...firsts.values()) - Math.min(...firsts.values())).toBeLessThanOrEqual(1);
    expect(e.reloads).toBe(groups);
  });

  it('interleaving by inference resolves what whole blocks leave to machine drift', async () => {
    const noise = async (interleave: 'inference' | 'block') => {
      const xs: number[] = [];
      for (let s = 0; s < 20; s++)
        xs.push((await judgeJob(3000 + s, 0, interleave)).judgement!.aa!.noisePct!);
      return xs.sort((a, b) => a - b)[10]!;
    };
    const inference = await noise('inference');
    const block = await noise('block');
    // Measured here: about half (1.4 % against 2.9 % median A/A noise).
    expect(inference).toBeLessThan(block * 0.75);
  });
});
