import { mergeGateOutcomes } from '../gate/merge-outcomes.js';
import type { Results } from '../results/schema.js';
import { speedupViews } from '../speedup/view.js';
import { sweepViews } from '../sweep/view.js';
import { groupByDevice } from './device-groups.js';
import { headline, verdictCounts } from './gate-summary.js';
import { groupIncidents } from './incident-groups.js';
import { CONCLUSION_ICONS } from './labels.js';
import { DEFAULT_LAYER_LIMIT } from './row-view.js';
import { sayTooNoisyOnce } from './too-noisy.js';
import type { ReportView, ViewModelOptions } from './view-model-types.js';

/**
 * Builds the view model every report format renders (types in view-model-types.ts). The view
 * model's parts live in their own modules; this one assembles them and keeps the import path
 * the renderers, the Action and the tests use.
 */

export { entryLabel, formatDeltaPct, formatSig } from './format.js';
export { INCIDENT_ICONS, INCIDENT_LABELS, VERDICT_ICONS, VERDICT_LABELS, VERDICT_ORDER } from './labels.js';
export { DEFAULT_LAYER_LIMIT } from './row-view.js';
export type {
  Conclusion,
  CountView,
  DeviceView,
  DistributionView,
  IncidentGroupView,
  IncidentView,
  LayerDeltaView,
  MetricView,
  ReportView,
  RowView,
  RunView,
  ViewModelOptions,
} from './view-model-types.js';

function asList(input: Results | readonly Results[]): readonly Results[] {
  return Array.isArray(input) ? input : [input as Results];
}

/** Build the view model of one results file, or of several (e.g. one per device) as one report. */
export function buildViewModel(
  input: Results | readonly Results[],
  options: ViewModelOptions = {},
): ReportView {
  const opts: Required<ViewModelOptions> = {
    layerLimit: options.layerLimit ?? DEFAULT_LAYER_LIMIT,
    charts: options.charts ?? true,
  };
  const list = asList(input);
  const { devices, runs, failing, hasComparisons } = groupByDevice(list, opts);
  const tooNoisy = sayTooNoisyOnce(devices);
  const allRows = devices.flatMap((d) => d.rows);

  const incidents = allRows.flatMap((r) => r.incidents);
  const gate = mergeGateOutcomes(list.flatMap((r) => (r.gate ? [r.gate] : [])));
  const counts = verdictCounts(gate, allRows, hasComparisons);
  const conclusion = gate?.conclusion ?? null;

  return {
    title: 'trt-gate report',
    conclusion,
    conclusionIcon: conclusion ? CONCLUSION_ICONS[conclusion] : '📊',
    headline: headline(conclusion, counts, allRows.length, hasComparisons),
    hasComparisons,
    counts,
    failOn: gate?.failOn ?? [],
    failing,
    runs,
    devices,
    rows: allRows.length,
    incidents,
    incidentGroups: groupIncidents(incidents),
    layerSections: allRows
      .filter((r) => r.layers.length > 0 || r.engineDiff !== null)
      .map((r) => ({ label: r.label, device: r.device, layers: r.layers, engineDiff: r.engineDiff })),
    sweeps: sweepViews(list),
    speedups: speedupViews(list),
    tooNoisy,
  };
}
