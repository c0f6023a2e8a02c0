import type { Verdict } from '../config/schema.js';
import type { EngineDiffView } from '../engine-diff/render.js';
import type { Entry, GateOutcome, LayerDelta } from '../results/schema.js';
import type { SpeedupView } from '../speedup/view.js';
import type { SweepView } from '../sweep/view.js';
import type { EntryIncident } from './incidents.js';
import type { TooNoisyView } from './too-noisy.js';

/**
 * The view model every report format renders: plain, JSON-able data with all numbers already
 * formatted. Strings are NOT escaped here; templates escape them for their format.
 */

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
  /** The candidate's raw latency samples, ms. */
  samples: number[];
  baselineP50: number | null;
  baselineP99: number | null;
  /** The baseline's distribution as evenly spaced quantiles (drawn like samples), where stored runs kept samples. */
  baselineQuantiles: number[] | null;
  /** How many stored samples the quantiles summarise. */
  baselineSamples: number | null;
  /** e.g. `baseline (3 runs)`. */
  baselineLabel: string;
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

/** One incident kind and every entry it affects. */
export interface IncidentGroupView {
  kind: IncidentView['kind'];
  kindLabel: string;
  icon: string;
  /** Affected entries (an entry with two incidents of one kind counts twice). */
  count: number;
  entries: IncidentView[];
  /** The union of the entries' next steps, first-seen order. */
  nextSteps: string[];
}

export interface RowView {
  entryId: string;
  /** `run <id>` when the same entry appears in several results files of one device; else null. */
  source: string | null;
  /** `model · precision · bN`. */
  label: string;
  device: string;
  model: string;
  precision: string;
  batchSize: number | 'unknown';
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
  /** The verdict of the metric the Δ shows (not the entry's, which another metric may decide). */
  deltaVerdict: Verdict | null;
  /** e.g. `cos 0.9998 · top-1 99.2 %`, prefixed with ❌ when the accuracy check failed. */
  accuracy: string;
  accuracyPassed: boolean | null;
  /** The worst output's cosine and top-1 agreement with the fp32 reference, for the accuracy chart. */
  accuracyValues: { cosine: number; top1: number | null } | null;
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
  /** Which method judged the entry, with A/B pairs, A/A noise and time to verdict; null: history, unnamed. */
  method: string | null;
  metrics: MetricView[];
  incidents: IncidentView[];
  layers: LayerDeltaView[];
  /** Per-layer engine diff against the baseline (latency moved, both sides profiled). */
  engineDiff: EngineDiffView | null;
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
  /** The same incidents, once per kind. */
  incidentGroups: IncidentGroupView[];
  layerSections: {
    label: string;
    device: string;
    layers: LayerDeltaView[];
    engineDiff: EngineDiffView | null;
  }[];
  /** Throughput sweeps (curve, chosen point), one per swept model × precision. */
  sweeps: SweepView[];
  /** Each precision against the fp32 reference on the same device, with the accuracy it costs. */
  speedups: SpeedupView[];
  /** Several entries inconclusive because too noisy to tell: said once (src/report/too-noisy.ts). */
  tooNoisy: TooNoisyView | null;
}

export interface ViewModelOptions {
  layerLimit?: number;
  /** Build per-row chart data (histograms of raw samples); only the HTML report draws it. */
  charts?: boolean;
}
