import { getMetricsFromIterator, type PromHistogramData, type PromMetrics } from 'prom2javascript';

/**
 * Exposition text parsed by prom2javascript: a strict text-format parser (malformed lines and
 * labels throw) that keeps labelled histogram series apart. parse-prometheus-text-format was tried
 * first and merges all series of a labelled histogram into one, dropping labels, sum and count.
 */
export async function parseExposition(text: string): Promise<PromMetrics> {
  return getMetricsFromIterator(text.split('\n')[Symbol.iterator]());
}

export function histograms(metrics: PromMetrics, name: string): PromHistogramData[] {
  const family = metrics[name];
  if (!family) throw new Error(`no ${name} in the exposition`);
  if (family.type !== 'histogram') throw new Error(`${name} is a ${family.type}, expected histogram`);
  return family.data as PromHistogramData[];
}

export function series(
  metrics: PromMetrics,
  name: string,
): Array<{ labels: Record<string, string>; value: number }> {
  const family = metrics[name];
  if (!family) return [];
  return family.data as Array<{ labels: Record<string, string>; value: number }>;
}
