import { getMetric } from '../gate/metrics.js';
import { formatCosine, formatSig, formatValue } from '../util/format-number.js';

/** Number and label formatting shared by the view model and the charts (numbers: util/format-number.ts). */

export { formatCosine, formatSig, formatValue };

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

/** A comparison metric's value, as the gate's reasons print it (the metric's own unit). */
export function formatMetricValue(metric: string, value: number | null): string {
  return formatValue(value, getMetric(metric)?.unit ?? '', metric);
}

export function entryLabel(e: { model: string; precision: string; batchSize: number | string }): string {
  return `${e.model} · ${e.precision} · b${e.batchSize}`;
}
