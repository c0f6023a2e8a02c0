import type { Verdict } from '../config/schema.js';
import type {
  Entry,
  EntryComparison,
  GateOutcome,
  IncidentKind,
  LayerDelta,
  MetricComparison,
  Results,
} from '../results/schema.js';
import { type EntryIncident, incidentsFor } from './incidents.js';

/**
 * The view model every report format renders: plain, JSON-able data with all numbers already
 * formatted. Strings are NOT escaped here; templates escape them for their format.
 */

/** Row order: what needs attention first. */
export const VERDICT_ORDER: readonly Verdict[] = [
  'regressed',
  'failed',
  'inconclusive',
  'environment-mismatch',
  'no-baseline',
  'improved',
  'unchanged',
];

export const VERDICT_ICONS: Readonly<Record<Verdict, string>> = {
  regressed: '❌',
  failed: '💥',
  inconclusive: '❔',
  'environment-mismatch': '⚠️',
  'no-baseline': '🆕',
  improved: '🚀',
  unchanged: '✅',
};

export const VERDICT_LABELS: Readonly<Record<Verdict, string>> = {
  regressed: 'regressed',
  failed: 'failed',
  inconclusive: 'inconclusive',
  'environment-mismatch': 'environment mismatch',
  'no-baseline': 'no baseline',
  improved: 'improved',
  unchanged: 'unchanged',
};

const PASSING: ReadonlySet<Verdict> = new Set<Verdict>(['improved', 'unchanged']);

export const INCIDENT_LABELS: Readonly<Record<IncidentKind, string>> = {
  'engine-build-failure': 'Engine build failure',
  'unsupported-operator': 'Unsupported operator',
  'out-of-memory': 'Out of memory',
  'shape-profile-error': 'Shape profile error',
  'engine-mismatch': 'Engine mismatch',
  'unknown-option': 'Unknown option',
  timeout: 'Timeout',
  crash: 'Crash',
  'latency-spike': 'Latency spike',
  'accuracy-degradation': 'Accuracy degradation',
  'unreliable-measurement': 'Unreliable measurement',
  'thermal-throttling': 'Thermal throttling',
  'runtime-error': 'Runtime error',
};

export const INCIDENT_ICONS: Readonly<Record<IncidentKind, string>> = {
  'engine-build-failure': '🧱',
  'unsupported-operator': '🧩',
  'out-of-memory': '🧠',
  'shape-profile-error': '📐',
  'engine-mismatch': '🔀',
  'unknown-option': '❓',
  timeout: '⏱️',
  crash: '💥',
  'latency-spike': '📈',
  'accuracy-degradation': '🎯',
  'unreliable-measurement': '🎲',
  'thermal-throttling': '🌡️',
  'runtime-error': '⚠️',
};

/** Metrics tried, in order, for a row's Δ% column. */
const PRIMARY_METRICS = ['latency.p50', 'latency.mean', 'latency.p99', 'throughput'];

/** Layer deltas shown per entry, largest absolute change first. */
export const DEFAULT_LAYER_LIMIT = 5;

export type Conclusion = GateOutcome['conclusion'];

export interface MetricView {
  metric: string;
  baseline: string;
  candidate: string;
  delta: string;
  verdict: Verdict;
  verdictIcon: string;
  reason: string;
}

export interface LayerDeltaView {
  name: string;
  type: string;
  matchedBy: LayerDelta['matchedBy'];
  baselineMs: string;
  candidateMs: string;
  deltaMs: string;
  deltaPct: string;
  note: string;
}

export interface DistributionView {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Histogram of the raw samples over [lo, hi]; samples above hi are counted in `overflow`. */
  histogram: { lo: number; hi: number; counts: number[]; overflow: number } | null;
  baselineP50: number | null;
  baselineP99: number | null;
}

export interface IncidentView extends Omit<EntryIncident, 'logExcerpt'> {
  /** Untrusted tool output: render only through codeBlock. */
  logExcerpt: string | null;
  kindLabel: string;
  icon: string;
  entryId: string;
  entryLabel: string;
  device: string;
}

export interface RowView {
  entryId: string;
  /** `model · precision · bN`. */
  label: string;
  device: string;
  model: string;
  precision: string;
  batchSize: number;
  status: Entry['status'];
  /** Milliseconds, 3 significant digits; `—` without latency. */
  p50: string;
  p99: string;
  throughput: string;
  /** e.g. `+7.9 % [+5.1, +10.8]`, the metric appended when it is not p50; `—` without a comparison. */
  delta: string;
  deltaMetric: string | null;
  deltaPct: number | null;
  deltaInterval: [number, number] | null;
  /** e.g. `cos 0.9998 · top-1 99.2 %`, prefixed with ❌ when the accuracy check failed. */
  accuracy: string;
  accuracyPassed: boolean | null;
  /** Null for a plain run (no comparison) of an entry that did not fail. */
  verdict: Verdict | null;
  verdictIcon: string;
  verdictLabel: string;
  /** Icon and label, or `—`. */
  verdictText: string;
  pass: boolean;
  /** Why a non-passing verdict was reached (comparison reason or the entry's error). */
  explanation: string | null;
  unreliable: string | null;
  baselineRuns: number | null;
  metrics: MetricView[];
  incidents: IncidentView[];
  layers: LayerDeltaView[];
  distribution: DistributionView | null;
}

export interface DeviceView {
  name: string;
  kind: string;
  /** e.g. `onnxruntime 1.30.0`; several joined when the runs differ. */
  runtime: string;
  runner: string;
  rows: RowView[];
}

export interface CountView {
  verdict: Verdict;
  label: string;
  icon: string;
  count: number;
}

export interface RunView {
  runId: string;
  createdAt: string;
  toolVersion: string;
  device: string;
  runtime: string;
  runner: string;
  sha: string | null;
  shortSha: string | null;
  ref: string | null;
  event: string | null;
}

export interface ReportView {
  title: string;
  /** Null when no results carry a gate outcome (a plain benchmark run). */
  conclusion: Conclusion | null;
  conclusionIcon: string;
  /** One line: the overall verdict and the counts, e.g. `❌ Regression gate failed: 1 regressed, 3 unchanged`. */
  headline: string;
  hasComparisons: boolean;
  counts: CountView[];
  failOn: Verdict[];
  /** Labels of the entries that failed the gate. */
  failing: string[];
  runs: RunView[];
  devices: DeviceView[];
  rows: number;
  incidents: IncidentView[];
  layerSections: { label: string; device: string; layers: LayerDeltaView[] }[];
}

export interface ViewModelOptions {
  layerLimit?: number;
}

/** 3 significant digits (`5.00`, `12.3`, `0.0123`, `1230`), without exponent notation for ordinary magnitudes. */
export function formatSig(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const text = value.toPrecision(digits);
  return text.includes('e') ? Number(text).toString() : text;
}

function signed(value: number): string {
  const text = value.toFixed(1);
  if (Number(text) === 0) return '0.0';
  return value > 0 ? `+${text}` : text;
}

/** `+7.9 % [+5.1, +10.8]`; `—` when there is no delta. */
export function formatDeltaPct(
  deltaPct: number | null | undefined,
  interval?: readonly [number, number],
): string {
  if (deltaPct === null || deltaPct === undefined || !Number.isFinite(deltaPct)) return '—';
  const main = `${signed(deltaPct)} %`;
  return interval ? `${main} [${signed(interval[0])}, ${signed(interval[1])}]` : main;
}

/** Cosine floored to 4 decimals, so that 0.99996 never reads as a perfect 1.0000. */
function formatCosine(value: number): string {
  if (value >= 1) return '1.0000';
  return (Math.floor(value * 10_000) / 10_000).toFixed(4);
}

function accuracySummary(entry: Entry): { text: string; passed: boolean | null } {
  const acc = entry.accuracy;
  if (!acc) return { text: '—', passed: null };
  const parts: string[] = [];
  if (acc.worst) {
    parts.push(`cos ${formatCosine(acc.worst.cosine)}`);
    if (acc.worst.top1Agreement !== undefined)
      parts.push(`top-1 ${(acc.worst.top1Agreement * 100).toFixed(1)} %`);
  }
  const nonFinite = acc.outputs.reduce((n, o) => n + o.nonFinite, 0);
  if (nonFinite > 0) parts.push(`${nonFinite} NaN/Inf`);
  const text = parts.length ? parts.join(' · ') : 'n/a';
  return { text: acc.passed ? text : `❌ ${text}`, passed: acc.passed };
}

function formatMetricValue(metric: string, value: number | null): string {
  if (value === null) return '—';
  if (metric.startsWith('accuracy.')) return formatSig(value, 6);
  if (metric.startsWith('latency.')) return `${formatSig(value)} ms`;
  return formatSig(value);
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

function histogram(samples: readonly number[], p99: number): DistributionView['histogram'] {
  if (samples.length === 0) return null;
  let lo = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of samples) {
    if (s < lo) lo = s;
    if (s > max) max = s;
  }
  // A few extreme outliers would squash the bulk into one bin: cut at p99 and count the rest.
  let hi = max <= p99 * 1.5 ? max : p99;
  if (hi <= lo) hi = lo + Math.max(Math.abs(lo) * 0.01, 1e-6);
  const bins = Math.min(40, Math.max(5, Math.ceil(Math.sqrt(samples.length))));
  const counts = new Array<number>(bins).fill(0);
  let overflow = 0;
  for (const s of samples) {
    if (s > hi) {
      overflow++;
      continue;
    }
    const i = Math.min(bins - 1, Math.floor(((s - lo) / (hi - lo)) * bins));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { lo, hi, counts, overflow };
}

function distribution(entry: Entry, comparison: EntryComparison | undefined): DistributionView | null {
  const latency = entry.latency;
  if (!latency) return null;
  const p = latency.pooled;
  const baseline = (name: string) => comparison?.metrics.find((m) => m.metric === name)?.baseline ?? null;
  return {
    count: p.count,
    min: p.min,
    p50: p.median,
    p90: p.p90,
    p99: p.p99,
    max: p.max,
    histogram: histogram(
      latency.trials.flatMap((t) => t.samples),
      p.p99,
    ),
    baselineP50: baseline('latency.p50'),
    baselineP99: baseline('latency.p99'),
  };
}

export function entryLabel(e: { model: string; precision: string; batchSize: number }): string {
  return `${e.model} · ${e.precision} · b${e.batchSize}`;
}

function rowView(
  entry: Entry,
  comparison: EntryComparison | undefined,
  device: string,
  options: Required<ViewModelOptions>,
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
    ? `${formatSig(entry.batchSize > 1 ? entry.throughput.itemsPerSec : entry.throughput.inferencesPerSec)}/s`
    : '—';
  const incidents: IncidentView[] = incidentsFor(entry, comparison).map((i) => ({
    ...i,
    logExcerpt: i.logExcerpt ?? null,
    kindLabel: INCIDENT_LABELS[i.kind],
    icon: INCIDENT_ICONS[i.kind],
    entryId: entry.id,
    entryLabel: label,
    device,
  }));
  const layers = [...(comparison?.layers ?? [])]
    .sort((a, b) => Math.abs(b.deltaMs) - Math.abs(a.deltaMs))
    .slice(0, options.layerLimit)
    .map(layerView);
  return {
    entryId: entry.id,
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
    accuracy: accuracy.text,
    accuracyPassed: accuracy.passed,
    verdict,
    verdictIcon: verdict ? VERDICT_ICONS[verdict] : '',
    verdictLabel: verdict ? VERDICT_LABELS[verdict] : '',
    verdictText: verdict ? `${VERDICT_ICONS[verdict]} ${VERDICT_LABELS[verdict]}` : '—',
    pass,
    explanation,
    unreliable: entry.unreliable ?? null,
    baselineRuns: comparison?.baselineRuns ?? null,
    metrics: (comparison?.metrics ?? []).map(metricView),
    incidents,
    layers,
    distribution: distribution(entry, comparison),
  };
}

function verdictRank(v: Verdict | null): number {
  return v === null ? VERDICT_ORDER.length : VERDICT_ORDER.indexOf(v);
}

/** Several runs' gates as one: fail if any failed, pass if any passed, else neutral. */
export function mergeGates(gates: readonly GateOutcome[]): GateOutcome | null {
  if (gates.length === 0) return null;
  const conclusion: Conclusion = gates.some((g) => g.conclusion === 'fail')
    ? 'fail'
    : gates.some((g) => g.conclusion === 'pass')
      ? 'pass'
      : 'neutral';
  const counts: GateOutcome['counts'] = {};
  for (const g of gates) {
    for (const [verdict, n] of Object.entries(g.counts) as [Verdict, number][]) {
      counts[verdict] = (counts[verdict] ?? 0) + n;
    }
  }
  const failOn = VERDICT_ORDER.filter((v) => gates.some((g) => g.failOn.includes(v)));
  return { conclusion, failOn, counts, failing: gates.flatMap((g) => g.failing) };
}

const CONCLUSION_ICONS: Readonly<Record<Conclusion, string>> = { pass: '✅', fail: '❌', neutral: '⚠️' };
const CONCLUSION_TEXT: Readonly<Record<Conclusion, string>> = {
  pass: 'Regression gate passed',
  fail: 'Regression gate failed',
  neutral: 'Regression gate neutral',
};

function asList(input: Results | readonly Results[]): readonly Results[] {
  return Array.isArray(input) ? input : [input as Results];
}

/** Build the view model of one results file, or of several (e.g. one per device) as one report. */
export function buildViewModel(
  input: Results | readonly Results[],
  options: ViewModelOptions = {},
): ReportView {
  const opts: Required<ViewModelOptions> = { layerLimit: options.layerLimit ?? DEFAULT_LAYER_LIMIT };
  const list = asList(input);
  const devices = new Map<string, DeviceView & { runtimes: Set<string>; runners: Set<string> }>();
  const labels = new Map<string, string>();
  const runs: RunView[] = [];
  let hasComparisons = false;

  for (const results of list) {
    const env = results.environment;
    const name = env.device.name;
    const runtime = `${env.runtime.name} ${env.runtime.version}`;
    let device = devices.get(name);
    if (!device) {
      device = {
        name,
        kind: env.device.kind,
        runtime: '',
        runner: '',
        rows: [],
        runtimes: new Set(),
        runners: new Set(),
      };
      devices.set(name, device);
    }
    device.runtimes.add(runtime);
    device.runners.add(env.runner);
    const comparisons = new Map((results.comparisons ?? []).map((c) => [c.entryId, c]));
    if (comparisons.size > 0) hasComparisons = true;
    for (const entry of results.entries) {
      labels.set(entry.id, entryLabel(entry));
      device.rows.push(rowView(entry, comparisons.get(entry.id), name, opts));
    }
    const sha = results.source.sha ?? null;
    runs.push({
      runId: results.runId,
      createdAt: results.createdAt,
      toolVersion: results.tool.version,
      device: name,
      runtime,
      runner: env.runner,
      sha,
      shortSha: sha ? sha.slice(0, 7) : null,
      ref: results.source.ref ?? null,
      event: results.source.event ?? null,
    });
  }

  const deviceViews: DeviceView[] = [...devices.values()].map(({ runtimes, runners, ...d }) => ({
    ...d,
    runtime: [...runtimes].join(', '),
    runner: [...runners].join(', '),
    // Array.prototype.sort is stable: rows of one verdict keep the results' order.
    rows: [...d.rows].sort((a, b) => verdictRank(a.verdict) - verdictRank(b.verdict)),
  }));
  const allRows = deviceViews.flatMap((d) => d.rows);

  const gate = mergeGates(list.flatMap((r) => (r.gate ? [r.gate] : [])));
  const countOf = (v: Verdict): number =>
    gate ? (gate.counts[v] ?? 0) : allRows.filter((r) => r.verdict === v && hasComparisons).length;
  const counts: CountView[] = VERDICT_ORDER.map((v) => ({
    verdict: v,
    label: VERDICT_LABELS[v],
    icon: VERDICT_ICONS[v],
    count: countOf(v),
  })).filter((c) => c.count > 0);
  const countText = counts.map((c) => `${c.count} ${c.label}`).join(', ');

  const conclusion = gate?.conclusion ?? null;
  const headline = conclusion
    ? `${CONCLUSION_ICONS[conclusion]} ${CONCLUSION_TEXT[conclusion]}${countText ? `: ${countText}` : ''}`
    : `📊 Benchmark results: ${allRows.length} ${allRows.length === 1 ? 'entry' : 'entries'}${
        hasComparisons ? (countText ? `, ${countText}` : '') : ', no baseline comparison'
      }`;

  return {
    title: 'trt-gate report',
    conclusion,
    conclusionIcon: conclusion ? CONCLUSION_ICONS[conclusion] : '📊',
    headline,
    hasComparisons,
    counts,
    failOn: gate?.failOn ?? [],
    failing: (gate?.failing ?? []).map((id) => labels.get(id) ?? id),
    runs,
    devices: deviceViews,
    rows: allRows.length,
    incidents: allRows.flatMap((r) => r.incidents),
    layerSections: allRows
      .filter((r) => r.layers.length > 0)
      .map((r) => ({ label: r.label, device: r.device, layers: r.layers })),
  };
}
