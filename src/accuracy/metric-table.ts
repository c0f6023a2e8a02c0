/**
 * The one definition of the accuracy metrics: their names, which way is worse, when they exist and
 * how they read. The config's limit keys, the results schema, the worst-of-outputs reduction, the
 * gate's metric registry (`accuracy.<name>`), the history and the reports all read this table, so a
 * metric added here is everywhere at once and a second list cannot drift (test/accuracy/metric-table.test.ts).
 * Plain data with no imports: the config and results schemas are built from it.
 */

/** Which way is better: a fall of a `higher` metric (cosine) is a regression, a rise of a `lower` one. */
export type AccuracyDirection = 'lower' | 'higher';

/**
 * When a metric has a value: `always` for every compared output, `class-scores` only for outputs
 * that look like class scores, `labels` only with labelled validation data.
 */
export type AccuracyAvailability = 'always' | 'class-scores' | 'labels';

export interface AccuracyMetricInfo {
  readonly direction: AccuracyDirection;
  readonly availability: AccuracyAvailability;
  /** What a person reads: chart titles, column headings. */
  readonly label: string;
  /** `cosine` floors to 4 decimals (0.99996 never reads 1.0000); `plain` 4 significant digits. */
  readonly format: 'cosine' | 'plain';
  /** Metrics against labels: which rank counts and whether it is the accuracy or its drop vs fp32. */
  readonly labelled?: { readonly k: 'top1' | 'top5'; readonly measure: 'accuracy' | 'drop' };
}

export const ACCURACY_METRIC_TABLE = {
  maxAbsError: { direction: 'lower', availability: 'always', label: 'max |error|', format: 'plain' },
  meanAbsError: { direction: 'lower', availability: 'always', label: 'mean |error|', format: 'plain' },
  mse: { direction: 'lower', availability: 'always', label: 'mean squared error', format: 'plain' },
  maxRelError: { direction: 'lower', availability: 'always', label: 'max relative error', format: 'plain' },
  cosine: { direction: 'higher', availability: 'always', label: 'worst cosine similarity', format: 'cosine' },
  top1Agreement: {
    direction: 'higher',
    availability: 'class-scores',
    label: 'top-1 agreement',
    format: 'plain',
  },
  top5Agreement: {
    direction: 'higher',
    availability: 'class-scores',
    label: 'top-5 agreement',
    format: 'plain',
  },
  /** Against labels: share of items whose label is the top-1 / in the top 5. */
  top1Accuracy: {
    direction: 'higher',
    availability: 'labels',
    label: 'top-1 accuracy',
    format: 'plain',
    labelled: { k: 'top1', measure: 'accuracy' },
  },
  top5Accuracy: {
    direction: 'higher',
    availability: 'labels',
    label: 'top-5 accuracy',
    format: 'plain',
    labelled: { k: 'top5', measure: 'accuracy' },
  },
  /** The fp32 reference's accuracy minus this one's on the same items (0.023 = 2.3 points). */
  top1Drop: {
    direction: 'lower',
    availability: 'labels',
    label: 'top-1 accuracy drop',
    format: 'plain',
    labelled: { k: 'top1', measure: 'drop' },
  },
  top5Drop: {
    direction: 'lower',
    availability: 'labels',
    label: 'top-5 accuracy drop',
    format: 'plain',
    labelled: { k: 'top5', measure: 'drop' },
  },
} as const satisfies Record<string, AccuracyMetricInfo>;

export type AccuracyMetricName = keyof typeof ACCURACY_METRIC_TABLE;

/** Table order; a non-empty tuple so that `z.enum` accepts it. */
export const ACCURACY_METRIC_NAMES = Object.keys(ACCURACY_METRIC_TABLE) as [
  AccuracyMetricName,
  ...AccuracyMetricName[],
];

/** Metrics with a value for every compared output (required in the results schema). */
export type AlwaysAccuracyMetric = {
  [K in AccuracyMetricName]: (typeof ACCURACY_METRIC_TABLE)[K]['availability'] extends 'always' ? K : never;
}[AccuracyMetricName];

/** The gate's registry name of an accuracy metric. */
export const ACCURACY_PREFIX = 'accuracy.';

/**
 * The table entry of `cosine` or `accuracy.cosine`; undefined for any other name (a latency metric,
 * the `finite` pseudo-metric of a NaN violation).
 */
export function accuracyMetricInfo(name: string): AccuracyMetricInfo | undefined {
  const bare = name.startsWith(ACCURACY_PREFIX) ? name.slice(ACCURACY_PREFIX.length) : name;
  return Object.hasOwn(ACCURACY_METRIC_TABLE, bare)
    ? ACCURACY_METRIC_TABLE[bare as AccuracyMetricName]
    : undefined;
}

export function accuracyMetricsWhere(availability: AccuracyAvailability): AccuracyMetricName[] {
  return ACCURACY_METRIC_NAMES.filter((n) => ACCURACY_METRIC_TABLE[n].availability === availability);
}
