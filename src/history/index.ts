import type { BaselineKey } from '../results/schema.js';
import type { BaselineStore, ReadOptions } from '../store/types.js';
import { analyseSeries, DEFAULT_HISTORY_OPTIONS, type HistoryOptions } from './detect.js';
import { describeMinEffect, historyMetrics } from './metrics.js';
import { readSeries, type Series } from './series.js';
import type { HistoryReport } from './types.js';

export { analyseSeries, DEFAULT_HISTORY_OPTIONS, type HistoryOptions } from './detect.js';
export { renderHistoryMarkdown } from './markdown.js';
export type { Series } from './series.js';
export type * from './types.js';

/** The series read from a store and their analysis: `report.series[i]` is `series[i]`'s. */
export interface StoreHistory {
  series: Series[];
  report: HistoryReport;
}

/** The analysis of series already read (pure). */
export function historyReport(series: readonly Series[], options: HistoryOptions): HistoryReport {
  return {
    method: {
      name: 'e-divisive',
      alpha: options.alpha,
      permutations: options.permutations,
      minSize: options.minSize,
      minEffect: Object.fromEntries(
        historyMetrics(options.minEffectPct).map((m) => [m.name, describeMinEffect(m.minEffect)]),
      ),
      seed: options.seed,
    },
    series: series.map((s) => analyseSeries(s, options)),
  };
}

/**
 * Change points of every series in the store, or of those `filters` select (a key id, a label
 * `model[/precision[/bN]]`, or a stored key: its whole series across environments). Reads only.
 */
export async function readHistory(
  store: BaselineStore,
  filters: ReadonlyArray<string | BaselineKey> = [],
  options: HistoryOptions = DEFAULT_HISTORY_OPTIONS,
  read: ReadOptions = {},
): Promise<StoreHistory> {
  const series = await readSeries(store, filters, read);
  return { series, report: historyReport(series, options) };
}
