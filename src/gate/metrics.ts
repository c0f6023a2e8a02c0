import {
  ACCURACY_METRIC_NAMES,
  ACCURACY_METRIC_TABLE,
  ACCURACY_PREFIX,
  type AccuracyMetricName,
} from '../accuracy/metric-table.js';
import type { Direction } from '../config/schema.js';
import type { AccuracyMetrics, Entry, StatsSummary } from '../results/schema.js';

/** What a sample-based metric reports over its raw samples; the statistical model bootstraps it. */
export type Statistic = { kind: 'quantile'; p: number } | { kind: 'mean' };

/**
 * Which part of a run produces a metric. `benchmark` metrics come from the timed loop, so an entry
 * marked `unreliable` (throttling, clock drop) makes all of them inconclusive, throughput included.
 */
export type MetricSource = 'benchmark' | 'build' | 'accuracy';

/** One comparable metric. Add a metric by adding a definition to METRICS. */
export interface MetricDefinition {
  readonly name: string;
  /** Which way is better. A ThresholdSpec's own `direction` overrides it. */
  readonly direction: Direction;
  readonly unit: string;
  readonly source: MetricSource;
  /** The run's value, or undefined when the entry does not carry it. */
  extract(entry: Entry): number | undefined;
  /**
   * Why the metric legitimately has no value for this entry (a cached engine has no build time, a
   * model without class scores no top-k), or undefined. An ok entry that lacks a metric for any
   * other reason was not checked, so the gate calls it `inconclusive`, never `unchanged`.
   */
  notApplicable?(entry: Entry): string | undefined;
  /** Raw samples per trial (latency metrics), for models that look past the summary value. */
  samples?(entry: Entry): number[][] | undefined;
  /** The statistic `extract` computes over the pooled samples. Set together with `samples`. */
  readonly statistic?: Statistic;
  /** The same statistic per trial, as stored in Trial.stats, in `samples` order. */
  trialValues?(entry: Entry): number[] | undefined;
}

/** A metric with everything the sample-level bootstrap needs. */
export type SampledMetric = MetricDefinition &
  Required<Pick<MetricDefinition, 'samples' | 'statistic' | 'trialValues'>>;

export function isSampled(metric: MetricDefinition): metric is SampledMetric {
  return metric.samples !== undefined && metric.statistic !== undefined && metric.trialValues !== undefined;
}

function latencyMetric(
  name: string,
  field: 'median' | 'p99' | 'mean',
  statistic: Statistic,
): MetricDefinition {
  // p99 may be absent from an imported summary (LatencyResult.absent): no value, never a stand-in.
  const pick = (s: StatsSummary): number | undefined => s[field];
  return {
    name,
    direction: 'lower',
    unit: 'ms',
    source: 'benchmark',
    statistic,
    extract: (e) => (e.latency ? pick(e.latency.pooled) : undefined),
    samples: (e) => e.latency?.trials.map((t) => t.samples),
    trialValues: (e) => {
      const values = e.latency?.trials.map((t) => pick(t.stats));
      return values?.every((v) => v !== undefined) ? (values as number[]) : undefined;
    },
  };
}

/** An entry measured from an engine built elsewhere (an imported log, a prebuilt engine). */
const NO_BUILD = 'no engine build is recorded for this entry';

/** Accuracy metrics compare the worst value across outputs (max error, min similarity). */
function accuracyMetric(metric: AccuracyMetricName): MetricDefinition {
  const { direction, availability } = ACCURACY_METRIC_TABLE[metric];
  return {
    name: `${ACCURACY_PREFIX}${metric}`,
    direction,
    unit: '',
    source: 'accuracy',
    extract: (e) => {
      const worst: AccuracyMetrics | null | undefined = e.accuracy?.worst;
      return worst?.[metric] ?? undefined;
    },
    // top-k agreement exists only for outputs with class scores, labelled metrics only with labels.
    notApplicable: (e) =>
      e.accuracy?.worst && availability === 'class-scores' && e.accuracy.worst[metric] === undefined
        ? 'no output has class scores'
        : e.accuracy?.worst && availability === 'labels' && !e.accuracy.validation?.labelled
          ? 'no labelled validation data'
          : undefined,
  };
}

const DEFINITIONS: MetricDefinition[] = [
  latencyMetric('latency.p50', 'median', { kind: 'quantile', p: 0.5 }),
  latencyMetric('latency.p99', 'p99', { kind: 'quantile', p: 0.99 }),
  latencyMetric('latency.mean', 'mean', { kind: 'mean' }),
  {
    name: 'throughput',
    direction: 'higher',
    unit: 'items/s',
    source: 'benchmark',
    extract: (e) => e.throughput?.itemsPerSec,
  },
  {
    // The sweep's operating point: items/s at the best batch × concurrency within the SLO; 0 when
    // no point met it (a regression to report, not a missing value). Absent without a sweep.
    name: 'throughput.atSlo',
    direction: 'higher',
    unit: 'items/s',
    source: 'benchmark',
    extract: (e) => e.sweep?.throughputAtSlo,
  },
  {
    name: 'build.timeMs',
    direction: 'lower',
    unit: 'ms',
    source: 'build',
    // A cached engine was not built this run: its time says nothing about the build.
    extract: (e) => (e.build && !e.build.cached ? e.build.timeMs : undefined),
    notApplicable: (e) =>
      !e.build ? NO_BUILD : e.build.cached ? 'the engine came from the cache' : undefined,
  },
  {
    name: 'build.artifactBytes',
    direction: 'lower',
    unit: 'bytes',
    source: 'build',
    extract: (e) => e.build?.artifactBytes,
    notApplicable: (e) => (e.build ? undefined : NO_BUILD),
  },
  ...ACCURACY_METRIC_NAMES.map(accuracyMetric),
];

/** The registry: metric name → definition. */
export const METRICS: ReadonlyMap<string, MetricDefinition> = new Map(DEFINITIONS.map((m) => [m.name, m]));

export function getMetric(name: string): MetricDefinition | undefined {
  return METRICS.get(name);
}

/** Threshold keys that name no registered metric (a typo in the config would otherwise be ignored). */
export function unknownMetrics(names: Iterable<string>): string[] {
  return [...names].filter((n) => !METRICS.has(n));
}
