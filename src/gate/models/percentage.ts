import type { JudgeInput, SpecFor, ThresholdModel } from '../threshold-models.js';
import { classifyInterval, formatPct, formatValue } from '../verdict.js';
import { comparison, historyValues } from './common.js';

/**
 * Plain relative change of the candidate against the latest stored run (not a median of the
 * history: once a change is accepted into the baseline, the next comparison starts from it). For
 * noisy metrics use `statistical`; this model has no notion of noise.
 */
export const percentageModel: ThresholdModel<SpecFor<'percentage'>> = {
  model: 'percentage',
  needsBaseline: true,
  judge(input: JudgeInput<SpecFor<'percentage'>>) {
    const { metric, direction, spec, candidate } = input;
    const value = metric.extract(candidate) ?? null;
    const past = historyValues(metric, input.history);
    const baseline = past.at(-1) ?? null;
    const base = { metric, direction, spec, candidate: value, baseline };
    if (value === null) {
      return comparison({ ...base, verdict: 'inconclusive', reason: 'the candidate has no value' });
    }
    if (baseline === null) {
      return comparison({ ...base, verdict: 'no-baseline', reason: 'no stored run has this metric' });
    }
    if (baseline === 0) {
      if (value === 0) return comparison({ ...base, verdict: 'unchanged', reason: 'both are 0' });
      return comparison({
        ...base,
        verdict: 'inconclusive',
        reason: `baseline is 0, so the relative change to ${formatValue(value, metric.unit, metric.name)} is undefined`,
      });
    }
    const delta = (value / baseline - 1) * 100;
    const verdict = classifyInterval(delta, delta, spec.maxRegressionPct, direction);
    const limit = `${spec.maxRegressionPct}%`;
    const change = `${formatValue(baseline, metric.unit, metric.name)} → ${formatValue(value, metric.unit, metric.name)} (${formatPct(delta)})`;
    const reason =
      verdict === 'regressed'
        ? `${change} is worse than the ${limit} allowed`
        : verdict === 'improved'
          ? `${change} is better by more than ${limit}`
          : `${change} is within ±${limit}`;
    return comparison({ ...base, verdict, reason });
  },
};
