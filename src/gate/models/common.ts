import type { Direction, ThresholdSpec, Verdict } from '../../config/schema.js';
import type { MetricComparison } from '../../results/schema.js';
import type { BaselineRun } from '../../store/types.js';
import type { MetricDefinition } from '../metrics.js';

/** The metric's value in each past run that carries it, oldest first. */
export function historyValues(metric: MetricDefinition, history: readonly BaselineRun[]): number[] {
  const out: number[] = [];
  for (const run of history) {
    const v = metric.extract(run.entry);
    if (v !== undefined && Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** (candidate / baseline − 1) × 100, or null when the baseline is 0. */
export function deltaPct(candidate: number, baseline: number): number | null {
  return baseline === 0 ? null : (candidate / baseline - 1) * 100;
}

export interface ComparisonFields {
  metric: MetricDefinition;
  direction: Direction;
  spec: ThresholdSpec;
  baseline: number | null;
  candidate: number | null;
  verdict: Verdict;
  reason: string;
  intervalPct?: [number, number];
  noisePct?: number;
}

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/**
 * The one constructor of a MetricComparison. JSON cannot hold a non-finite number (it is written as
 * `null`, which the reader then refuses), and a verdict drawn from one is not a measurement: such a
 * number is dropped, and a good verdict that rested on it becomes `inconclusive`.
 */
export function comparison(f: ComparisonFields): MetricComparison {
  const delta = f.baseline === null || f.candidate === null ? null : deltaPct(f.candidate, f.baseline);
  const numbers = [f.baseline, f.candidate, delta, ...(f.intervalPct ?? []), f.noisePct ?? 0];
  const broken = numbers.some((v) => v !== null && !Number.isFinite(v));
  const good = f.verdict === 'unchanged' || f.verdict === 'improved';
  const out: MetricComparison = {
    metric: f.metric.name,
    direction: f.direction,
    threshold: f.spec,
    baseline: finiteOrNull(f.baseline),
    candidate: finiteOrNull(f.candidate),
    deltaPct: finiteOrNull(delta),
    verdict: broken && good ? 'inconclusive' : f.verdict,
    reason: broken && good ? `${f.reason}; but a number in it is not finite: not a measurement` : f.reason,
  };
  if (f.intervalPct?.every(Number.isFinite)) out.intervalPct = f.intervalPct;
  if (f.noisePct !== undefined && Number.isFinite(f.noisePct)) out.noisePct = f.noisePct;
  return out;
}
