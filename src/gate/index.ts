export { type CompareOptions, compareEntry } from './compare.js';
export {
  assertKnownMetrics,
  type BaselineLookup,
  type BaselineLookupResult,
  type CompareResultsOptions,
  compareResults,
  decide,
  type GateReport,
  type GateSettings,
  lookupFromResults,
  noBaselines,
} from './compare-results.js';
export { keyDifferences, keyId, mismatchReason, sameKey } from './environment.js';
export { attributeLayers, matchLayers, TOP_LAYERS } from './layers.js';
export {
  getMetric,
  isSampled,
  METRICS,
  type MetricDefinition,
  type MetricSource,
  type SampledMetric,
  type Statistic,
  unknownMetrics,
} from './metrics.js';
export { BASELINE_RUNS, NOISE_K } from './models/statistical.js';
export { createRng, deriveRng, type Rng } from './rng.js';
export {
  directionFor,
  type JudgeInput,
  THRESHOLD_MODELS,
  type ThresholdModel,
  thresholdModel,
} from './threshold-models.js';
export { severity, VERDICT_SEVERITY, worstVerdict } from './verdict.js';
