import type { Direction, ThresholdSpec } from '../config/schema.js';
import type { Entry, MetricComparison } from '../results/schema.js';
import type { BaselineRun } from '../store/types.js';
import type { MetricDefinition } from './metrics.js';
import { envelopeModel } from './models/envelope.js';
import { percentageModel } from './models/percentage.js';
import { staticModel } from './models/static.js';
import { statisticalModel } from './models/statistical.js';
import type { Rng } from './rng.js';

export type ThresholdModelName = ThresholdSpec['model'];
export type SpecFor<M extends ThresholdModelName> = Extract<ThresholdSpec, { model: M }>;

export interface JudgeInput<S extends ThresholdSpec = ThresholdSpec> {
  metric: MetricDefinition;
  /** The spec's direction when it sets one, else the metric's. */
  direction: Direction;
  spec: S;
  candidate: Entry;
  /**
   * Past runs of the candidate's key, oldest first, already cleared for this metric (failed runs,
   * and unreliable ones for benchmark metrics, are left out). May be empty.
   */
  history: readonly BaselineRun[];
  /** This metric's own seeded stream. */
  rng: Rng;
}

/** How one kind of ThresholdSpec judges a metric. */
export interface ThresholdModel<S extends ThresholdSpec = ThresholdSpec> {
  readonly model: S['model'];
  /** False when the model judges the candidate alone (absolute limits). */
  readonly needsBaseline: boolean;
  judge(input: JudgeInput<S>): MetricComparison;
}

/** The registry: ThresholdSpec.model → its implementation. */
export const THRESHOLD_MODELS: { readonly [M in ThresholdModelName]: ThresholdModel<SpecFor<M>> } = {
  statistical: statisticalModel,
  percentage: percentageModel,
  static: staticModel,
  envelope: envelopeModel,
};

export function thresholdModel(spec: ThresholdSpec): ThresholdModel {
  // Sound: THRESHOLD_MODELS maps each model name to the implementation for that spec variant.
  return THRESHOLD_MODELS[spec.model] as ThresholdModel;
}

/** The direction a spec judges a metric in: its own when set, else the metric's. */
export function directionFor(metric: MetricDefinition, spec: ThresholdSpec): Direction {
  return ('direction' in spec ? spec.direction : undefined) ?? metric.direction;
}
