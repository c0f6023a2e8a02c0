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

export function comparison(f: ComparisonFields): MetricComparison {
  const out: MetricComparison = {
    metric: f.metric.name,
    direction: f.direction,
    threshold: f.spec,
    baseline: f.baseline,
    candidate: f.candidate,
    deltaPct: f.baseline === null || f.candidate === null ? null : deltaPct(f.candidate, f.baseline),
    verdict: f.verdict,
    reason: f.reason,
  };
  if (f.intervalPct) out.intervalPct = f.intervalPct;
  if (f.noisePct !== undefined) out.noisePct = f.noisePct;
  return out;
}
