/** Number and label formatting shared by the view model and the charts. */

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
export function formatCosine(value: number): string {
  if (value >= 1) return '1.0000';
  return (Math.floor(value * 10_000) / 10_000).toFixed(4);
}

/** A comparison metric's value: accuracy with 6 digits, latency in ms. */
export function formatMetricValue(metric: string, value: number | null): string {
  if (value === null) return '—';
  if (metric.startsWith('accuracy.')) return formatSig(value, 6);
  if (metric.startsWith('latency.')) return `${formatSig(value)} ms`;
  return formatSig(value);
}

export function entryLabel(e: { model: string; precision: string; batchSize: number | string }): string {
  return `${e.model} · ${e.precision} · b${e.batchSize}`;
}
