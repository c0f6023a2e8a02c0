import { median, sampleStandardDeviation } from 'simple-statistics';
import type { MetricComparison } from '../../results/schema.js';
import type { JudgeInput, SpecFor, ThresholdModel } from '../threshold-models.js';
import { formatValue } from '../verdict.js';
import { comparison, historyValues } from './common.js';

/**
 * A tolerance learned from history, for accuracy metrics. Per key, the stored runs' values give an
 * envelope: their range widened by `k` sample standard deviations. For a deterministic CPU runner
 * the spread is zero and the envelope is the stored value; on GPUs, tactic choice between builds
 * moves it, and the envelope is as wide as that noise. A candidate outside the envelope, on the bad
 * side, and more than `minEffect` from the stored median is `regressed`; inside is `unchanged`,
 * even where a fixed accuracy limit would have failed (compare.ts lets a learned envelope answer
 * for that metric's accuracy-limit violation). `min`/`max` are the floor the user sets: beyond it
 * is `regressed` whatever the history says. Until `minRuns` runs are stored the envelope is not
 * learned: `no-baseline`, and the fixed accuracy limits decide alone.
 */
export const envelopeModel: ThresholdModel<SpecFor<'envelope'>> = {
  model: 'envelope',
  needsBaseline: true,
  judge(input: JudgeInput<SpecFor<'envelope'>>) {
    const { metric, direction, spec, candidate } = input;
    const value = metric.extract(candidate) ?? null;
    const past = historyValues(metric, input.history);
    const center = past.length > 0 ? median(past) : null;
    const base = { metric, direction, spec, candidate: value, baseline: center };
    if (value === null || !Number.isFinite(value)) {
      return comparison({ ...base, verdict: 'inconclusive', reason: 'the candidate has no finite value' });
    }
    const shown = formatValue(value, metric.unit, metric.name);
    if (spec.min !== undefined && value < spec.min) {
      return comparison({ ...base, verdict: 'regressed', reason: `${shown} is below the floor ${spec.min}` });
    }
    if (spec.max !== undefined && value > spec.max) {
      return comparison({
        ...base,
        verdict: 'regressed',
        reason: `${shown} is above the ceiling ${spec.max}`,
      });
    }
    if (past.length < spec.minRuns || center === null) {
      return comparison({
        ...base,
        verdict: 'no-baseline',
        reason: `${past.length} of ${spec.minRuns} stored runs: no envelope learned yet, the fixed accuracy limits apply`,
      });
    }
    const sd = past.length > 1 ? sampleStandardDeviation(past) : 0;
    const lo = Math.min(...past) - spec.k * sd;
    const hi = Math.max(...past) + spec.k * sd;
    const envelope = `[${formatValue(lo, metric.unit, metric.name)}, ${formatValue(hi, metric.unit, metric.name)}] learned from ${past.length} runs`;
    const worse = direction === 'higher' ? value < lo : value > hi;
    const better = direction === 'higher' ? value > hi : value < lo;
    const distance = Math.abs(value - center);
    if (worse && distance > spec.minEffect) {
      return comparison({
        ...base,
        verdict: 'regressed',
        reason: `${shown} is outside the envelope ${envelope}`,
      });
    }
    if (better && distance > spec.minEffect) {
      return comparison({
        ...base,
        verdict: 'improved',
        reason: `${shown} is better than the envelope ${envelope}`,
      });
    }
    const why = worse ? ` (outside it by no more than the minimum effect ${spec.minEffect})` : '';
    return comparison({
      ...base,
      verdict: 'unchanged',
      reason: `${shown} is within the envelope ${envelope}${why}`,
    });
  },
};

/**
 * Accuracy metrics whose verdict came from a learned envelope: their fixed accuracy-limit
 * violations are answered by the envelope (see compare.ts), so noise inside the envelope does not
 * fail on a fixed limit. Not learned yet (`no-baseline`, `inconclusive`): the fixed limits stand.
 */
export function learnedEnvelopes(metrics: readonly MetricComparison[]): Map<string, MetricComparison> {
  const out = new Map<string, MetricComparison>();
  for (const m of metrics) {
    if (m.threshold.model === 'envelope' && ['unchanged', 'improved', 'regressed'].includes(m.verdict)) {
      out.set(m.metric, m);
    }
  }
  return out;
}
