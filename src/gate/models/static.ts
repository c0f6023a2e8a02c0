import type { JudgeInput, SpecFor, ThresholdModel } from '../threshold-models.js';
import { formatValue } from '../verdict.js';
import { comparison, historyValues } from './common.js';

/**
 * Absolute limits on the candidate's value. Needs no baseline (the latest stored value is reported
 * for context when there is one); a violated limit is `regressed`, anything else `unchanged`.
 */
export const staticModel: ThresholdModel<SpecFor<'static'>> = {
  model: 'static',
  needsBaseline: false,
  judge(input: JudgeInput<SpecFor<'static'>>) {
    const { metric, direction, spec, candidate } = input;
    const value = metric.extract(candidate) ?? null;
    const baseline = historyValues(metric, input.history).at(-1) ?? null;
    const base = { metric, direction, spec, candidate: value, baseline };
    if (value === null) {
      return comparison({ ...base, verdict: 'inconclusive', reason: 'the candidate has no value' });
    }
    const shown = formatValue(value, metric.unit, metric.name);
    if (spec.min !== undefined && value < spec.min) {
      return comparison({
        ...base,
        verdict: 'regressed',
        reason: `${shown} is below the minimum ${spec.min}`,
      });
    }
    if (spec.max !== undefined && value > spec.max) {
      return comparison({
        ...base,
        verdict: 'regressed',
        reason: `${shown} is above the maximum ${spec.max}`,
      });
    }
    const limits = [
      spec.min !== undefined ? `≥ ${spec.min}` : undefined,
      spec.max !== undefined ? `≤ ${spec.max}` : undefined,
    ].filter((s) => s !== undefined);
    const reason =
      limits.length > 0 ? `${shown} is within limits (${limits.join(', ')})` : `${shown}; no limits set`;
    return comparison({ ...base, verdict: 'unchanged', reason });
  },
};
