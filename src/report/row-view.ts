import type { Verdict } from '../config/schema.js';
import { engineDiffView } from '../engine-diff/render.js';
import type { Entry, EntryComparison, LayerDelta, MetricComparison } from '../results/schema.js';
import { distribution } from './distribution.js';
import { entryLabel, formatCosine, formatDeltaPct, formatMetricValue, formatSig } from './format.js';
import { incidentsFor } from './incidents.js';
import { INCIDENT_ICONS, INCIDENT_LABELS, PASSING, VERDICT_ICONS, VERDICT_LABELS } from './labels.js';
import type {
  IncidentView,
  LayerDeltaView,
  MetricView,
  RowView,
  ViewModelOptions,
} from './view-model-types.js';

/** One entry of a results file as a report row, with its metrics, incidents, layers and chart data. */

/** Metrics tried, in order, for a row's Δ% column. */
const PRIMARY_METRICS = ['latency.p50', 'latency.mean', 'latency.p99', 'throughput'];

/** Layer deltas shown per entry, largest absolute change first. */
export const DEFAULT_LAYER_LIMIT = 5;

function accuracySummary(entry: Entry): { text: string; passed: boolean | null } {
  const acc = entry.accuracy;
  if (!acc) return { text: '—', passed: null };
  const parts: string[] = [];
  if (acc.worst) {
    parts.push(`cos ${formatCosine(acc.worst.cosine)}`);
    if (acc.worst.top1Agreement !== undefined)
      parts.push(`top-1 ${(acc.worst.top1Agreement * 100).toFixed(1)} %`);
  }
  const labelled = acc.validation?.labelled;
  if (labelled) {
    const drop = -labelled.top1Drop * 100;
    const sign = drop > 0 ? '+' : drop < 0 ? '−' : '±';
    parts.push(
      `labelled top-1 ${(labelled.top1 * 100).toFixed(1)} % (${sign}${Math.abs(drop).toFixed(1)} pt vs fp32) · top-5 ${(labelled.top5 * 100).toFixed(1)} %`,
    );
  }
  const nonFinite = acc.outputs.reduce((n, o) => n + o.nonFinite, 0);
  if (nonFinite > 0) parts.push(`${nonFinite} NaN/Inf`);
  const text = parts.length ? parts.join(' · ') : 'n/a';
  return { text: acc.passed ? text : `❌ ${text}`, passed: acc.passed };
}

function metricView(m: MetricComparison): MetricView {
  return {
    metric: m.metric,
    baseline: formatMetricValue(m.metric, m.baseline),
    candidate: formatMetricValue(m.metric, m.candidate),
    delta: formatDeltaPct(m.deltaPct, m.intervalPct),
    verdict: m.verdict,
    verdictIcon: VERDICT_ICONS[m.verdict],
    reason: m.reason,
  };
}

/** The metric a row's Δ% shows: the first primary metric that decided the verdict, else the first present. */
function primaryMetric(comparison: EntryComparison): MetricComparison | undefined {
  const byName = (name: string) => comparison.metrics.find((m) => m.metric === name && m.deltaPct !== null);
  for (const name of PRIMARY_METRICS) {
    const m = byName(name);
    if (m && m.verdict === comparison.verdict) return m;
  }
  for (const name of PRIMARY_METRICS) {
    const m = byName(name);
    if (m) return m;
  }
  return comparison.metrics.find((m) => m.deltaPct !== null);
}

function layerView(l: LayerDelta): LayerDeltaView {
  return {
    name: l.name,
    type: l.type ?? '',
    matchedBy: l.matchedBy,
    baselineMs: formatSig(l.baselineMs),
    candidateMs: formatSig(l.candidateMs),
    deltaMs: `${l.deltaMs > 0 ? '+' : ''}${formatSig(l.deltaMs)}`,
    deltaPct: formatDeltaPct(l.deltaPct),
    note: l.note ?? '',
  };
}

export function rowView(
  entry: Entry,
  comparison: EntryComparison | undefined,
  device: string,
  options: Required<ViewModelOptions>,
  deviceKind?: 'cpu' | 'gpu',
): RowView {
  const label = entryLabel(entry);
  const verdict: Verdict | null = comparison?.verdict ?? (entry.status === 'failed' ? 'failed' : null);
  const primary = comparison ? primaryMetric(comparison) : undefined;
  let delta = formatDeltaPct(primary?.deltaPct, primary?.intervalPct);
  if (primary && primary.metric !== 'latency.p50') delta += ` (${primary.metric.replace(/^latency\./, '')})`;
  const pass = verdict !== null && PASSING.has(verdict);
  let explanation: string | null = null;
  if (verdict !== null && !pass) {
    const error = entry.error ? `${entry.error.stage}: ${entry.error.message}` : '';
    explanation = comparison?.reason || error || null;
  }
  const accuracy = accuracySummary(entry);
  const throughput = entry.throughput
    ? `${formatSig(typeof entry.batchSize === 'number' && entry.batchSize > 1 ? entry.throughput.itemsPerSec : entry.throughput.inferencesPerSec)}/s`
    : '—';
  const incidents: IncidentView[] = incidentsFor(entry, comparison, deviceKind ? { deviceKind } : {}).map(
    (i) => ({
      ...i,
      logExcerpt: i.logExcerpt ?? null,
      kindLabel: INCIDENT_LABELS[i.kind],
      icon: INCIDENT_ICONS[i.kind],
      entryId: entry.id,
      entryLabel: label,
      device,
    }),
  );
  const layers = [...(comparison?.layers ?? [])]
    .sort((a, b) => Math.abs(b.deltaMs) - Math.abs(a.deltaMs))
    .slice(0, options.layerLimit)
    .map(layerView);
  return {
    entryId: entry.id,
    source: null,
    label,
    device,
    model: entry.model,
    precision: entry.precision,
    batchSize: entry.batchSize,
    status: entry.status,
    p50: formatSig(entry.latency?.pooled.median),
    p99: formatSig(entry.latency?.pooled.p99),
    throughput,
    delta,
    deltaMetric: primary?.metric ?? null,
    deltaPct: primary?.deltaPct ?? null,
    deltaInterval: primary?.intervalPct ?? null,
    deltaVerdict: primary?.verdict ?? null,
    accuracy: accuracy.text,
    accuracyPassed: accuracy.passed,
    accuracyValues: entry.accuracy?.worst
      ? { cosine: entry.accuracy.worst.cosine, top1: entry.accuracy.worst.top1Agreement ?? null }
      : null,
    verdict,
    verdictIcon: verdict ? VERDICT_ICONS[verdict] : '',
    verdictLabel: verdict ? VERDICT_LABELS[verdict] : '',
    verdictText: verdict ? `${VERDICT_ICONS[verdict]} ${VERDICT_LABELS[verdict]}` : '—',
    pass,
    explanation,
    unreliable: entry.unreliable ?? null,
    baselineRuns: comparison?.baselineRuns ?? null,
    method: methodText(comparison),
    metrics: (comparison?.metrics ?? []).map(metricView),
    incidents,
    layers,
    engineDiff: comparison?.engineDiff ? engineDiffView(comparison.engineDiff) : null,
    distribution: options.charts ? distribution(entry, comparison) : null,
  };
}

/** How the entry was judged, when a comparison says so (A/B in the job, or history named as such). */
function methodText(comparison: EntryComparison | undefined): string | null {
  const ab = comparison?.ab;
  if (ab) {
    const noise = ab.aaNoisePct === null ? 'A/A noise n/a' : `A/A noise ±${ab.aaNoisePct.toFixed(1)} %`;
    const stop = ab.stopped === 'settled' ? '' : ` (${ab.stopped})`;
    return `A/B in this job vs ${ab.base}: ${ab.pairs} pairs · ${noise} · ${(ab.timeToVerdictMs / 1000).toFixed(1)} s to verdict${stop}`;
  }
  const skipped = comparison?.abSkipped ? `; A/B not used: ${comparison.abSkipped}` : '';
  if (comparison?.method === 'ab') return `A/B in this job (not paired${skipped || ': see the reason'})`;
  if (comparison?.method === 'history') return `stored history (${comparison.baselineRuns} runs)${skipped}`;
  return null;
}
