import type { Direction, ThresholdSpec } from '../config/schema.js';
import { compareEntry } from '../gate/compare.js';
import { engineDiffFor } from '../gate/engine-diff.js';
import { median } from '../gate/numeric.js';
import { worstVerdict } from '../gate/verdict.js';
import type { AbSummary, Entry, EntryComparison, MetricComparison } from '../results/schema.js';
import { type AdaptiveEntry, FUTILITY } from './adaptive.js';
import type { PairedJudgement } from './paired.js';

/** The metric the paired blocks judge: each block's median, so the change of the p50. */
export const PAIRED_METRIC = 'latency.p50';

export interface PairedSpec {
  spec: ThresholdSpec;
  minEffectPct: number;
  confidence: number;
  direction: Direction;
}

/**
 * The threshold the pairs are judged against: latency.p50's, when it is relative (statistical:
 * minEffectPct and confidence; percentage: maxRegressionPct at 99 %). Other models (absolute
 * limits, the history envelope) stay with their own model; no latency.p50 threshold: the pairs
 * do not gate.
 */
export function pairedSpec(thresholds: Readonly<Record<string, ThresholdSpec>>): PairedSpec | undefined {
  const spec = thresholds[PAIRED_METRIC];
  if (spec?.model === 'statistical') {
    const direction = spec.direction ?? 'lower';
    return { spec, minEffectPct: spec.minEffectPct, confidence: spec.confidence, direction };
  }
  if (spec?.model === 'percentage') {
    return {
      spec,
      minEffectPct: spec.maxRegressionPct,
      confidence: 0.99,
      direction: spec.direction ?? 'lower',
    };
  }
  return undefined;
}

export interface AbComparisonInput {
  candidate: Entry;
  base: Entry;
  thresholds: Readonly<Record<string, ThresholdSpec>>;
  paired: PairedSpec | undefined;
  adaptive: AdaptiveEntry;
  summary: Omit<
    AbSummary,
    | 'pairs'
    | 'discardedRounds'
    | 'discardReasons'
    | 'aaDeltaPct'
    | 'aaIntervalPct'
    | 'aaNoisePct'
    | 'thresholdPct'
    | 'timeToVerdictMs'
    | 'stoppedAtMs'
    | 'stopped'
  >;
  seed?: number;
}

/**
 * An entry judged by A/B: latency.p50 by the pairs; every other thresholded metric (engine size,
 * throughput, …) by its own model against the base side's entry as a one-run history; accuracy
 * limits as always.
 */
export function abComparison(input: AbComparisonInput): EntryComparison {
  const { candidate, base, paired, adaptive } = input;
  const rest = Object.fromEntries(
    Object.entries(input.thresholds).filter(([name]) => !(paired && name === PAIRED_METRIC)),
  );
  const history = {
    key: candidate.key,
    runs: [
      {
        runId: 'base-side',
        createdAt: new Date(0).toISOString(),
        source: { ref: input.summary.base },
        entry: { ...base, key: candidate.key },
      },
    ],
  };
  const others = compareEntry(candidate, history, [], rest, { seed: input.seed ?? 0 });
  const judgement = adaptive.judgement!;
  const metrics: MetricComparison[] = [];
  if (paired) metrics.push(pairedMetric(candidate, base, paired, judgement, adaptive));
  metrics.push(...others.metrics);
  const verdict = candidate.status === 'failed' ? 'failed' : worstVerdict(metrics.map((m) => m.verdict));
  const hits = metrics.filter((m) => m.verdict === verdict);
  const reason =
    candidate.status === 'failed'
      ? others.reason
      : verdict === 'unchanged' && hits.length === metrics.length
        ? `all ${metrics.length} compared metric${metrics.length === 1 ? ' is' : 's are'} within thresholds`
        : hits
            .slice(0, 3)
            .map((m) => `${m.metric}: ${m.reason}`)
            .join('; ');
  const series = adaptive.series;
  // Judged on the final metrics (the paired latency included), against the base side's own key.
  const { engineDiff: _fromHistory, ...judged } = others;
  const engineDiff = engineDiffFor(metrics, candidate, base);
  return {
    ...judged,
    ...(engineDiff ? { engineDiff } : {}),
    verdict,
    reason,
    baselineRuns: 1,
    metrics,
    method: 'ab',
    ab: {
      ...input.summary,
      pairs: series.pairs,
      discardedRounds: series.discarded.length,
      discardReasons: [...new Set(series.discarded)].slice(0, 5),
      aaDeltaPct: judgement.aa?.deltaPct ?? null,
      aaIntervalPct: judgement.aa?.intervalPct ?? null,
      aaNoisePct: judgement.aa?.noisePct ?? null,
      thresholdPct: judgement.thresholdPct,
      timeToVerdictMs: series.spentMs,
      stoppedAtMs: adaptive.stoppedAtMs ?? 0,
      stopped: adaptive.stopped ?? 'time-budget',
    },
  };
}

function pairedMetric(
  candidate: Entry,
  base: Entry,
  paired: PairedSpec,
  j: PairedJudgement,
  adaptive: AdaptiveEntry,
): MetricComparison {
  const medianOf = (e: Entry) => (e.latency ? median(e.latency.trials.map((t) => t.stats.median)) : null);
  const why =
    j.verdict === 'inconclusive' && adaptive.stopped && adaptive.stopped !== 'settled'
      ? `${j.reason} (stopped: ${STOP_TEXT[adaptive.stopped]})`
      : j.reason;
  return {
    metric: PAIRED_METRIC,
    direction: paired.direction,
    threshold: paired.spec,
    baseline: medianOf(base),
    candidate: medianOf(candidate),
    deltaPct: j.deltaPct,
    ...(j.intervalPct ? { intervalPct: j.intervalPct } : {}),
    ...(j.aa?.noisePct != null ? { noisePct: j.aa.noisePct } : {}),
    verdict: j.verdict,
    reason: `A/B in this job: ${why}`,
  };
}

const STOP_TEXT = {
  settled: 'settled',
  'max-pairs': 'the maximum number of pairs was reached',
  futile: `at this estimate and spread, settling it would take more than ${FUTILITY} × the maximum number of pairs`,
  'time-budget': 'the job’s time budget was spent',
  discarded: 'too many rounds were discarded',
} as const;

/** An entry the base side cannot speak for: accuracy limits still apply, the rest is `no-baseline`. */
export function unpairedComparison(
  candidate: Entry,
  thresholds: Readonly<Record<string, ThresholdSpec>>,
  reason: string,
): EntryComparison {
  const c = compareEntry(candidate, undefined, [], thresholds);
  return {
    ...c,
    reason: c.verdict === 'no-baseline' ? reason : c.reason,
    metrics: c.metrics.map((m) => (m.verdict === 'no-baseline' ? { ...m, reason } : m)),
    method: 'ab',
    ...(candidate.status === 'failed' ? {} : { abSkipped: reason }),
  };
}
