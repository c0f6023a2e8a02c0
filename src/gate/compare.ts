import { quantileSorted } from 'simple-statistics';
import type { ThresholdSpec, Verdict } from '../config/schema.js';
import type { BaselineKey, Entry, EntryComparison, MetricComparison } from '../results/schema.js';
import type { BaselineHistory, BaselineRun } from '../store/types.js';
import { engineDiffFor } from './engine-diff.js';
import { keyDifferences, mismatchReason, sameKey } from './environment.js';
import { attributeLayers } from './layers.js';
import { getMetric, type MetricDefinition } from './metrics.js';
import { learnedEnvelopes } from './models/envelope.js';
import { deriveRng } from './rng.js';
import { directionFor, thresholdModel } from './threshold-models.js';
import { formatValue, worstVerdict } from './verdict.js';

export interface CompareOptions {
  /** Bootstrap seed; each (entry, metric) draws from its own stream derived from it. Default 0. */
  seed?: number;
}

/** What the candidate can be compared against. */
type Baseline =
  | { kind: 'runs'; runs: BaselineRun[] }
  | { kind: 'environment-mismatch' | 'no-baseline'; reason: string };

function resolveBaseline(
  candidate: Entry,
  history: BaselineHistory | undefined,
  similar: readonly BaselineKey[],
): Baseline {
  if (history && history.runs.length > 0) {
    if (!sameKey(history.key, candidate.key)) {
      const diffs = keyDifferences(history.key, candidate.key);
      return {
        kind: 'environment-mismatch',
        reason: `${diffs.join('; ')}; not comparing across environments`,
      };
    }
    const runs = history.runs.filter((r) => sameKey(r.entry.key, candidate.key));
    if (runs.length === 0) {
      const diffs = keyDifferences(history.runs.at(-1)!.entry.key, candidate.key);
      return { kind: 'environment-mismatch', reason: `stored runs: ${diffs.join('; ')}` };
    }
    return { kind: 'runs', runs };
  }
  const reason = mismatchReason(candidate.key, similar);
  if (reason) return { kind: 'environment-mismatch', reason };
  return {
    kind: 'no-baseline',
    reason:
      'no stored baseline for this model, precision and batch size on this device, runtime and build options',
  };
}

/** Runs that can speak for a metric: ok, and for benchmark metrics, not marked unreliable. */
function usableRuns(runs: readonly BaselineRun[], metric: MetricDefinition): BaselineRun[] {
  return runs.filter(
    (r) => r.entry.status === 'ok' && !(metric.source === 'benchmark' && r.entry.unreliable),
  );
}

/**
 * Absolute accuracy limits, already evaluated by the accuracy stage: any violation is a regression,
 * except for a metric whose learned envelope answered (its comparison says whether the limit's
 * failure is beyond the noise of this key's history).
 */
function accuracyViolations(candidate: Entry, learned: Map<string, MetricComparison>): MetricComparison[] {
  const accuracy = candidate.accuracy;
  if (!accuracy) return [];
  const answered = accuracy.violations.filter((v) => learned.has(`accuracy.${v.metric}`));
  for (const v of answered) {
    const m = learned.get(`accuracy.${v.metric}`)!;
    if (!m.reason.includes('fixed limit'))
      m.reason += `; the fixed limit (${v.message}) is answered by the envelope`;
  }
  const out: MetricComparison[] = accuracy.violations
    .filter((v) => !answered.includes(v))
    .map((v) => {
      const name = v.metric.startsWith('accuracy.') ? v.metric : `accuracy.${v.metric}`;
      const fallback = v.limit.min !== undefined && v.limit.max === undefined ? 'higher' : 'lower';
      const limits = [
        v.limit.min !== undefined ? `min ${v.limit.min}` : undefined,
        v.limit.max !== undefined ? `max ${v.limit.max}` : undefined,
      ].filter((s) => s !== undefined);
      const threshold: ThresholdSpec = { model: 'static' };
      if (v.limit.min !== undefined) threshold.min = v.limit.min;
      if (v.limit.max !== undefined) threshold.max = v.limit.max;
      return {
        metric: name,
        direction: getMetric(name)?.direction ?? fallback,
        threshold,
        baseline: null,
        candidate: v.value,
        deltaPct: null,
        verdict: 'regressed',
        reason:
          `${v.metric} = ${formatValue(v.value, '', v.metric)} on output "${v.output}" violates the accuracy limit ` +
          `${limits.join(', ') || '(none given)'}${v.message ? ` — ${v.message}` : ''}`,
      };
    });
  if (out.length === 0 && answered.length === 0 && !accuracy.passed) {
    out.push({
      metric: 'accuracy',
      direction: 'higher',
      threshold: { model: 'static' },
      baseline: null,
      candidate: null,
      deltaPct: null,
      verdict: 'regressed',
      reason: 'the accuracy check failed without recording a violation',
    });
  }
  return out;
}

function entryReason(verdict: Verdict, metrics: readonly MetricComparison[], baseline: Baseline): string {
  if (baseline.kind !== 'runs' && baseline.kind === verdict) return baseline.reason;
  if (metrics.length === 0) return 'no metric with a threshold to compare';
  const hits = metrics.filter((m) => m.verdict === verdict);
  if (verdict === 'unchanged' && hits.length === metrics.length) {
    return `all ${metrics.length} compared metric${metrics.length === 1 ? ' is' : 's are'} within thresholds`;
  }
  const shown = hits.slice(0, 3).map((m) => `${m.metric}: ${m.reason}`);
  if (hits.length > 3) shown.push(`and ${hits.length - 3} more`);
  return shown.join('; ');
}

/** Stored runs pooled for the baseline's distribution: the latest few that still keep raw samples. */
const DISTRIBUTION_RUNS = 5;

/** 101 quantiles of the latest reliable runs' raw latency samples (see EntryComparison.baselineLatency). */
function baselineLatency(runs: readonly BaselineRun[]): EntryComparison['baselineLatency'] {
  const kept = runs
    .filter((r) => r.entry.status === 'ok' && !r.entry.unreliable)
    .map((r) => (r.entry.latency?.trials ?? []).flatMap((t) => t.samples))
    .filter((samples) => samples.length > 0)
    .slice(-DISTRIBUTION_RUNS);
  const pooled = kept.flat().filter(Number.isFinite);
  if (pooled.length === 0) return undefined;
  pooled.sort((a, b) => a - b);
  const quantiles = Array.from({ length: 101 }, (_, i) => quantileSorted(pooled, i / 100));
  return { quantiles, samples: pooled.length, runs: kept.length };
}

/**
 * Compares one candidate entry with the stored history of its key. `similarKeys` are stored keys
 * for the same model/precision/batch in other environments (used only when `history` is absent,
 * to say why nothing is compared). Pure: no I/O, reproducible for a given seed.
 */
export function compareEntry(
  candidate: Entry,
  history: BaselineHistory | undefined,
  similarKeys: readonly BaselineKey[],
  thresholds: Readonly<Record<string, ThresholdSpec>>,
  options: CompareOptions = {},
): EntryComparison {
  const head = {
    entryId: candidate.id,
    model: candidate.model,
    precision: candidate.precision,
    batchSize: candidate.batchSize,
    device: candidate.key.device,
  };
  if (candidate.status === 'failed') {
    const reason = candidate.error
      ? `failed during ${candidate.error.stage}: ${candidate.error.message}`
      : 'the entry failed';
    return { ...head, verdict: 'failed', reason, baselineRuns: 0, metrics: [] };
  }

  const baseline = resolveBaseline(candidate, history, similarKeys);
  const seed = options.seed ?? 0;
  const metrics: MetricComparison[] = [];
  for (const [name, spec] of Object.entries(thresholds)) {
    const metric = getMetric(name);
    if (!metric) continue; // compareResults rejects unknown names before comparing
    const value = metric.extract(candidate);
    const direction = directionFor(metric, spec);
    const model = thresholdModel(spec);
    if (value === undefined) {
      if (metric.notApplicable?.(candidate) !== undefined) continue;
      // Fail closed: a metric with a threshold that this ok entry lacks was not checked.
      metrics.push({
        metric: name,
        direction,
        threshold: spec,
        baseline: null,
        candidate: null,
        deltaPct: null,
        verdict: 'inconclusive',
        reason: `the candidate has no ${name}: not checked`,
      });
      continue;
    }
    const skipped = {
      metric: name,
      direction,
      threshold: spec,
      baseline: null,
      candidate: value,
      deltaPct: null,
    };
    if (metric.source === 'benchmark' && candidate.unreliable !== undefined) {
      metrics.push({
        ...skipped,
        verdict: 'inconclusive',
        reason: `measurement marked unreliable: ${candidate.unreliable}`,
      });
    } else if (model.needsBaseline && baseline.kind !== 'runs') {
      metrics.push({ ...skipped, verdict: baseline.kind, reason: baseline.reason });
    } else {
      const runs = baseline.kind === 'runs' ? usableRuns(baseline.runs, metric) : [];
      const rng = deriveRng(seed, candidate.id, name);
      metrics.push(model.judge({ metric, direction, spec, candidate, history: runs, rng }));
    }
  }
  metrics.push(...accuracyViolations(candidate, learnedEnvelopes(metrics)));

  const verdicts = metrics.map((m) => m.verdict);
  if (baseline.kind !== 'runs') verdicts.push(baseline.kind);
  const verdict = worstVerdict(verdicts);
  const out: EntryComparison = {
    ...head,
    verdict,
    reason: entryReason(verdict, metrics, baseline),
    baselineRuns: baseline.kind === 'runs' ? baseline.runs.length : 0,
    metrics,
  };

  const distribution = baseline.kind === 'runs' ? baselineLatency(baseline.runs) : undefined;
  if (distribution) out.baselineLatency = distribution;

  if (baseline.kind === 'runs' && candidate.layers) {
    const latest = baseline.runs.filter((r) => r.entry.status === 'ok').at(-1);
    if (latest?.entry.layers) out.layers = attributeLayers(candidate.layers, latest.entry.layers);
    const diff = engineDiffFor(metrics, candidate, latest?.entry);
    if (diff) out.engineDiff = diff;
  }
  return out;
}
