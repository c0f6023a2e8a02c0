import type { BaselineStore } from '../store/types.js';
import { analyseSeries, DEFAULT_HISTORY_OPTIONS, type HistoryOptions } from './detect.js';
import { describeMinEffect, historyMetrics } from './metrics.js';
import { readSeries } from './series.js';
import type { HistoryReport } from './types.js';

export { analyseSeries, DEFAULT_HISTORY_OPTIONS, type HistoryOptions } from './detect.js';
export { renderHistoryMarkdown } from './markdown.js';
export type * from './types.js';

/** Change points of every series in the store (or those matching `filters`). Reads only. */
export async function analyseStore(
  store: BaselineStore,
  filters: readonly string[] = [],
  options: HistoryOptions = DEFAULT_HISTORY_OPTIONS,
): Promise<HistoryReport> {
  const series = await readSeries(store, filters);
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
