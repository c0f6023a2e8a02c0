import { median } from 'simple-statistics';
import { deriveRng } from '../gate/rng.js';
import { eDivisive } from './edivisive.js';
import { robustNoise, type Shift, shift } from './levels.js';
import { type HistoryMetric, historyMetrics, isLargeEnough, isWorse } from './metrics.js';
import {
  type EnvironmentSegment,
  environmentChanges,
  environmentSegments,
  type Series,
  seriesLabel,
} from './series.js';
import type { EnvironmentStep, HistoryBlip, HistoryStep, RunRange, SeriesHistory } from './types.js';

export interface HistoryOptions {
  /** Significance level of each permutation test. */
  alpha: number;
  permutations: number;
  /** Fewest runs on either side of a step: a step needs this many runs after it to be reported. */
  minSize: number;
  /** Smallest relative step reported for latency and throughput, percent. */
  minEffectPct: number;
  seed: number;
  /** Only these metrics (default: all history metrics). */
  metrics?: readonly string[];
}

export const DEFAULT_HISTORY_OPTIONS: HistoryOptions = {
  alpha: 0.001,
  permutations: 1999,
  minSize: 3,
  minEffectPct: 2,
  seed: 1,
};

/** A run further than this many robust noise units from the runs around it is an outlier. */
const OUTLIER_SIGMAS = 5;
/** At most this many consecutive outliers make a blip; more are a level the detector must see. */
const BLIP_MAX_RUNS = 2;
const NEIGHBOURS = 3;

interface Point {
  /** 0-based index into series.runs. */
  run: number;
  value: number;
}

function rangeAt(series: Series, run: number): RunRange {
  const before = series.runs[run - 1];
  const after = series.runs[run]!;
  return {
    fromRun: before ? before.number : after.number,
    toRun: after.number,
    ...(before?.sha ? { fromSha: before.sha } : {}),
    ...(after.sha ? { toSha: after.sha } : {}),
    at: after.createdAt,
  };
}

/**
 * Outlier runs grouped into blips; the rest of the points are what steps are searched in. A blip is
 * one or two runs off the level of the runs before them (in the same direction) followed by a run
 * back near that level; off runs that are the latest are `pending`; three or more are a level,
 * left to the step detector.
 */
function splitBlips(
  points: Point[],
  metric: HistoryMetric,
  atSeriesEnd: boolean,
): { kept: Point[]; blips: HistoryBlip[] } {
  const values = points.map((p) => p.value);
  const sigma = robustNoise(values);
  const off = (v: number, level: number) =>
    Math.abs(v - level) > OUTLIER_SIGMAS * sigma && isLargeEnough(metric, level, v);
  const blips: HistoryBlip[] = [];
  const drop = new Set<number>();
  for (let i = 1; i < values.length; ) {
    const level = median(values.slice(Math.max(0, i - NEIGHBOURS), i));
    if (!off(values[i]!, level)) {
      i++;
      continue;
    }
    const up = values[i]! > level;
    let j = i;
    while (j < values.length && j - i <= BLIP_MAX_RUNS && off(values[j]!, level) && values[j]! > level === up)
      j++;
    if (j - i > BLIP_MAX_RUNS) {
      i = j;
      continue;
    }
    let worst = 0;
    for (let k = i; k < j; k++) {
      const deltaPct = level === 0 ? 0 : (values[k]! / level - 1) * 100;
      if (Math.abs(deltaPct) > Math.abs(worst)) worst = deltaPct;
      drop.add(k);
    }
    blips.push({
      metric: metric.name,
      kind: j === values.length && atSeriesEnd ? 'pending' : 'blip',
      runs: points.slice(i, j).map((p) => p.run + 1),
      deltaPct: worst,
      worse: isWorse(metric, level, values[i]!),
    });
    i = j;
  }
  return { kept: points.filter((_, i) => !drop.has(i)), blips };
}

/** Shifts across each change point, between its neighbouring change points. */
function shiftsAt(values: number[], cuts: number[], rng: ReturnType<typeof deriveRng>): Shift[] {
  return cuts.map((cut, k) =>
    shift(values.slice(cuts[k - 1] ?? 0, cut), values.slice(cut, cuts[k + 1] ?? values.length), rng),
  );
}

/** Change points of one environment segment, without those whose step is below the minimum effect. */
function findSteps(
  series: Series,
  metric: HistoryMetric,
  kept: Point[],
  options: HistoryOptions,
  salt: string,
): HistoryStep[] {
  const values = kept.map((p) => p.value);
  const found = eDivisive(values, {
    alpha: options.alpha,
    permutations: options.permutations,
    minSize: options.minSize,
    rng: deriveRng(options.seed, series.id, metric.name, salt, 'permutations'),
  });
  let cuts = found.map((c) => c.index);
  const bootstrap = () => deriveRng(options.seed, series.id, metric.name, salt, 'bootstrap');
  let shifts = shiftsAt(values, cuts, bootstrap());
  // Drop the smallest step below the minimum effect and re-measure its neighbours, until none is left.
  for (;;) {
    let smallest = -1;
    shifts.forEach((s, k) => {
      if (isLargeEnough(metric, s.before, s.after)) return;
      if (smallest < 0 || Math.abs(s.deltaPct) < Math.abs(shifts[smallest]!.deltaPct)) smallest = k;
    });
    if (smallest < 0) break;
    cuts = cuts.filter((_, k) => k !== smallest);
    shifts = shiftsAt(values, cuts, bootstrap());
  }
  const steps = cuts.map((cut, k): HistoryStep => {
    const s = shifts[k]!;
    const run = kept[cut]!.run;
    return {
      metric: metric.name,
      kind: isWorse(metric, s.before, s.after) ? 'regression' : 'improvement',
      status: 'lasting',
      atRun: run + 1,
      runId: series.runs[run]!.runId,
      range: rangeAt(series, run),
      before: s.before,
      after: s.after,
      deltaPct: s.deltaPct,
      intervalPct: s.intervalPct,
      runsAfter: (cuts[k + 1] ?? values.length) - cut,
      pValue: found.find((c) => c.index === cut)!.pValue,
    };
  });
  // A regression is recovered once a later level in the same environment is back near the level before it.
  steps.forEach((step, k) => {
    if (step.kind !== 'regression') return;
    for (let j = k + 1; j < steps.length; j++) {
      if (!isLargeEnough(metric, step.before, steps[j]!.after)) {
        step.status = 'recovered';
        step.recoveredAtRun = steps[j]!.atRun;
        return;
      }
    }
  });
  return steps;
}

function pointsOf(series: Series, metric: HistoryMetric, segment: EnvironmentSegment): Point[] {
  const points: Point[] = [];
  for (let i = segment.start; i < segment.end; i++) {
    const value = metric.extract(series.runs[i]!.entry);
    if (value !== undefined && Number.isFinite(value)) points.push({ run: i, value });
  }
  return points;
}

/** Median of the stable stretch at one end of a segment (after its last step, or before its first). */
function endLevel(points: Point[], steps: HistoryStep[], end: 'first' | 'last'): number | undefined {
  const stretch =
    end === 'last'
      ? points.filter((p) => p.run + 1 >= (steps.at(-1)?.atRun ?? 0))
      : points.filter((p) => p.run + 1 < (steps[0]?.atRun ?? Number.POSITIVE_INFINITY));
  return stretch.length > 0 ? median(stretch.map((p) => p.value)) : undefined;
}

export function analyseSeries(
  series: Series,
  options: HistoryOptions = DEFAULT_HISTORY_OPTIONS,
): SeriesHistory {
  const segments = environmentSegments(series.runs);
  const steps: HistoryStep[] = [];
  const blips: HistoryBlip[] = [];
  const untested: string[] = [];
  const levels = new Map<string, Array<{ first?: number; last?: number }>>();
  const metrics = historyMetrics(options.minEffectPct).filter(
    (m) => !options.metrics || options.metrics.includes(m.name),
  );
  for (const metric of metrics) {
    let seen = false;
    let tested = false;
    const perSegment: Array<{ first?: number; last?: number }> = [];
    segments.forEach((segment, s) => {
      const points = pointsOf(series, metric, segment);
      if (points.length === 0) {
        perSegment.push({});
        return;
      }
      seen = true;
      const split = splitBlips(points, metric, s === segments.length - 1);
      blips.push(...split.blips);
      let found: HistoryStep[] = [];
      if (split.kept.length >= 2 * options.minSize) {
        tested = true;
        found = findSteps(series, metric, split.kept, options, String(s));
        steps.push(...found);
      }
      perSegment.push({
        first: endLevel(split.kept, found, 'first'),
        last: endLevel(split.kept, found, 'last'),
      });
    });
    if (seen && !tested) untested.push(metric.name);
    if (seen) levels.set(metric.name, perSegment);
  }
  const environmentSteps: EnvironmentStep[] = segments.slice(1).map((segment, k) => {
    const previous = segments[k]!;
    return {
      atRun: segment.start + 1,
      range: rangeAt(series, segment.start),
      changes: environmentChanges(previous.environment, segment.environment),
      levels: [...levels.entries()].flatMap(([metric, perSegment]) => {
        const before = perSegment[k]?.last;
        const after = perSegment[k + 1]?.first;
        if (before === undefined || after === undefined) return [];
        return [{ metric, before, after, deltaPct: before === 0 ? 0 : (after / before - 1) * 100 }];
      }),
    };
  });
  return {
    id: series.id,
    label: seriesLabel(series.identity),
    identity: series.identity,
    runs: series.runs.length,
    environments: segments.map((s) => ({ fromRun: s.start + 1, toRun: s.end, environment: s.environment })),
    environmentSteps,
    steps: steps.sort((a, b) => a.atRun - b.atRun || a.metric.localeCompare(b.metric)),
    blips,
    untested,
  };
}
