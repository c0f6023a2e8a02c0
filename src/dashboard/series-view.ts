import { median } from 'simple-statistics';
import { ACCURACY_METRIC_TABLE } from '../accuracy/metric-table.js';
import { getMetric } from '../gate/metrics.js';
import type { Series } from '../history/series.js';
import type { SeriesHistory } from '../history/types.js';
import { formatDeltaPct, formatSig } from '../report/format.js';
import { type DistributionInput, distributionSvg } from '../report/svg/distribution.js';
import { type TrendMarker, type TrendPoint, trendSvg } from '../report/svg/trend.js';

/** The charts of one series page, rendered to inline SVG at build time. */

const TRENDS: Array<{ metric: string; title: string; zero?: boolean }> = [
  { metric: 'latency.p50', title: 'Latency p50' },
  { metric: 'latency.p99', title: 'Latency p99' },
  { metric: 'throughput', title: 'Throughput' },
  { metric: 'accuracy.cosine', title: `Accuracy: ${ACCURACY_METRIC_TABLE.cosine.label}` },
  { metric: 'accuracy.top1Agreement', title: `Accuracy: ${ACCURACY_METRIC_TABLE.top1Agreement.label}` },
  { metric: 'build.timeMs', title: 'Engine build time', zero: true },
  { metric: 'build.artifactBytes', title: 'Engine size', zero: true },
];

/** Runs of the baseline the latest run is drawn against: up to three before it, same environment. */
const BASELINE_RUNS = 3;

function trendFor(series: Series, history: SeriesHistory, spec: (typeof TRENDS)[number]): string {
  const metric = getMetric(spec.metric);
  if (!metric) return '';
  const outliers = new Set(history.blips.filter((b) => b.metric === spec.metric).flatMap((b) => b.runs));
  const points: TrendPoint[] = [];
  for (const run of series.runs) {
    const value = metric.extract(run.entry);
    if (value === undefined || !Number.isFinite(value)) continue;
    points.push({
      run: run.number,
      value,
      outlier: outliers.has(run.number),
      title: `run ${run.number} (${run.createdAt}${run.sha ? `, ${run.sha.slice(0, 12)}` : ''}): ${formatSig(value, 4)} ${metric.unit}${outliers.has(run.number) ? ' — outlier' : ''}`,
    });
  }
  if (points.length === 0) return '';
  const steps = history.steps.filter((s) => s.metric === spec.metric);
  const markers: TrendMarker[] = [
    ...history.environmentSteps.map((e) => ({
      run: e.atRun,
      kind: 'environment' as const,
      label: `environment: ${e.changes.map((c) => c.to).join(', ')}`,
    })),
    ...steps.map((s) => ({
      run: s.atRun,
      kind: s.kind,
      label: `${s.kind} ${formatDeltaPct(s.deltaPct)}${s.status === 'recovered' ? ' (recovered)' : ''}`,
    })),
  ].sort((a, b) => a.run - b.run);
  const cuts = [...new Set([1, ...markers.map((m) => m.run), series.runs.length + 1])].sort((a, b) => a - b);
  const levels = cuts.slice(1).flatMap((end, i) => {
    const from = cuts[i]!;
    const inside = points.filter((p) => p.run >= from && p.run < end && !p.outlier).map((p) => p.value);
    return inside.length ? [{ fromRun: from, toRun: end - 1, value: median(inside) }] : [];
  });
  return trendSvg({
    title: spec.title,
    unit: metric.unit,
    runs: series.runs.length,
    points,
    markers,
    levels,
    ...(spec.zero ? { zero: true } : {}),
  });
}

function latestDistribution(series: Series): string {
  const latest = series.runs.at(-1);
  if (!latest?.entry.latency) return '';
  const env = JSON.stringify(latest.environment);
  const before = series.runs
    .slice(0, -1)
    .filter((r) => JSON.stringify(r.environment) === env && r.entry.latency)
    .slice(-BASELINE_RUNS);
  const input: DistributionInput = {
    title: `Latency distribution of run ${latest.number} against the ${before.length} run(s) before it`,
    candidate: latest.entry.latency.trials.flatMap((t) => t.samples),
    candidateLabel: `latest run ${latest.number}`,
    baselineLabel: before.length
      ? `baseline: runs ${before[0]!.number}–${before.at(-1)!.number}`
      : 'no earlier run in this environment',
  };
  if (before.length)
    input.baseline = before.flatMap((r) => r.entry.latency!.trials.flatMap((t) => t.samples));
  return distributionSvg(input);
}

export function seriesCharts(
  series: Series,
  history: SeriesHistory,
): { trends: string[]; distribution: string } {
  return {
    trends: TRENDS.map((spec) => trendFor(series, history, spec)).filter((svg) => svg !== ''),
    distribution: latestDistribution(series),
  };
}
