import { type Arm, type ArmName, type BlockPlan, measureRound, PairedSeries } from './interleave.js';
import type { PairedJudgement } from './paired.js';
import type { BalancedSchedule } from './schedule.js';

/**
 * Adaptive sampling over every entry of a job: each still-open entry in turn gets one balanced
 * cycle of rounds, then is judged; an entry whose verdict is settled (anything but inconclusive)
 * stops, so the rest of the budget goes to the entries whose verdicts are close. An entry stops
 * unsettled when it has `maxPairs` pairs, when the job's `maxSeconds` are spent, or when at its
 * present estimates settling it would take more than FUTILITY × maxPairs (an effect sitting on the
 * threshold): its budget is better spent on entries that more pairs can settle.
 */

/** Slack on the projection of pairs to settle: it is made from noisy estimates. */
export const FUTILITY = 2;

export interface AbBudget {
  /** Pairs before the first look (and below which no verdict is given). */
  minPairs: number;
  maxPairs: number;
  /** Wall-clock budget of the whole job's measurement, seconds. */
  maxSeconds: number;
}

export type StopReason = 'settled' | 'max-pairs' | 'futile' | 'time-budget' | 'discarded';

export interface AdaptiveEntry {
  id: string;
  arms: ReadonlyMap<ArmName, Arm>;
  schedule: BalancedSchedule<ArmName>;
  judge(series: PairedSeries): PairedJudgement;
  series: PairedSeries;
  judgement?: PairedJudgement;
  stopped?: StopReason;
  /** Job time (ms since measurement began) when the entry stopped. */
  stoppedAtMs?: number;
  /** Cycles whose sessions were reloaded: rotates which arm's session is loaded first. */
  reloads?: number;
}

export function adaptiveEntry(
  id: string,
  arms: ReadonlyMap<ArmName, Arm>,
  schedule: BalancedSchedule<ArmName>,
  judge: (series: PairedSeries) => PairedJudgement,
): AdaptiveEntry {
  return { id, arms, schedule, judge, series: new PairedSeries() };
}

export async function runAdaptive(
  entries: readonly AdaptiveEntry[],
  budget: AbBudget,
  plan: BlockPlan,
  now: () => number,
  progress: (entry: AdaptiveEntry) => void = () => {},
): Promise<void> {
  const start = now();
  const stop = (e: AdaptiveEntry, why: StopReason) => {
    e.stopped = why;
    e.stoppedAtMs = now() - start;
  };
  let open = entries.filter((e) => !e.stopped);
  while (open.length > 0) {
    for (const e of open) {
      if (now() - start >= budget.maxSeconds * 1000) {
        stop(e, 'time-budget');
        continue;
      }
      const rounds = e.schedule.cycleLength;
      for (let r = 0; r < rounds; r++) {
        e.series.add(await measureRound(e.arms, e.schedule, plan, now));
      }
      if (plan.reload !== 'never') await reloadArms(e, now);
      if (e.series.pairs >= budget.minPairs) {
        e.judgement = e.judge(e.series);
        if (e.judgement.verdict !== 'inconclusive') stop(e, 'settled');
        else if ((e.judgement.pairsToSettle ?? 0) > FUTILITY * budget.maxPairs) stop(e, 'futile');
      }
      if (!e.stopped && e.series.pairs >= budget.maxPairs) stop(e, 'max-pairs');
      // Rounds keep being discarded (a throttling GPU): stop rather than spin on the budget.
      if (!e.stopped && e.series.discarded.length >= budget.maxPairs) stop(e, 'discarded');
      progress(e);
    }
    open = open.filter((e) => !e.stopped);
  }
  for (const e of entries) e.judgement = finalJudgement(e, budget.minPairs);
}

/**
 * Fresh sessions for every arm of an entry (runners that can): where a session's memory landed
 * becomes noise between cycles, which the pairs' interval carries, instead of a bias of one arm.
 * The time it takes counts as measurement time.
 */
async function reloadArms(e: AdaptiveEntry, now: () => number): Promise<void> {
  const started = now();
  // The session loaded first measured 0.3–0.8 % slower on onnxruntime (bench:ab): rotate which
  // arm goes first, so that over cycles no arm carries that bias.
  const arms = [...e.arms.values()];
  const first = (e.reloads ?? 0) % arms.length;
  e.reloads = (e.reloads ?? 0) + 1;
  for (const arm of [...arms.slice(first), ...arms.slice(0, first)]) await arm.runner.reload?.(arm.engine);
  e.series.spentMs += now() - started;
}

/** Fewer pairs than minPairs (the time budget ran out first) never give a verdict. */
function finalJudgement(e: AdaptiveEntry, minPairs: number): PairedJudgement {
  const j = e.judge(e.series);
  if (j.verdict === 'inconclusive' || e.series.pairs >= minPairs) return j;
  return {
    ...j,
    verdict: 'inconclusive',
    reason: `only ${e.series.pairs} pairs were measured before the budget ran out, fewer than the ${minPairs} a verdict needs (${j.reason})`,
  };
}
