import type { Direction } from '../config/schema.js';
import { getMetric } from '../gate/metrics.js';
import { badSign } from '../gate/verdict.js';
import type { Entry } from '../results/schema.js';

/**
 * The metrics the history follows, with the smallest shift worth reporting: relative for
 * measurements (a 0.5 % latency step is real on a quiet GPU but not worth an issue), absolute for
 * accuracy, whose deterministic values would make any tiny float change "significant".
 */
export type MinEffect = { kind: 'relative'; pct: number } | { kind: 'absolute'; value: number };

export interface HistoryMetric {
  name: string;
  direction: Direction;
  unit: string;
  minEffect: MinEffect;
  extract(entry: Entry): number | undefined;
}

function fromRegistry(name: string, minEffect: MinEffect): HistoryMetric {
  const metric = getMetric(name);
  if (!metric) throw new Error(`history: metric ${name} is not registered`);
  return {
    name,
    direction: metric.direction,
    unit: metric.unit,
    minEffect,
    extract: (e) => metric.extract(e),
  };
}

export function historyMetrics(minEffectPct: number): HistoryMetric[] {
  const relative: MinEffect = { kind: 'relative', pct: minEffectPct };
  return [
    fromRegistry('latency.p50', relative),
    fromRegistry('latency.p99', relative),
    fromRegistry('throughput', relative),
    fromRegistry('accuracy.cosine', { kind: 'absolute', value: 1e-4 }),
    fromRegistry('accuracy.top1Agreement', { kind: 'absolute', value: 0.01 }),
  ];
}

export function describeMinEffect(m: MinEffect): string {
  return m.kind === 'relative' ? `${m.pct} %` : `${m.value} absolute`;
}

/** Is a shift from `before` to `after` at least the metric's minimum effect? */
export function isLargeEnough(metric: HistoryMetric, before: number, after: number): boolean {
  if (metric.minEffect.kind === 'absolute') return Math.abs(after - before) >= metric.minEffect.value;
  if (before === 0) return after !== 0;
  return Math.abs(after / before - 1) * 100 >= metric.minEffect.pct;
}

/** Is moving from `before` to `after` worse for this metric? */
export function isWorse(metric: HistoryMetric, before: number, after: number): boolean {
  return badSign(metric.direction) * (after - before) > 0;
}
