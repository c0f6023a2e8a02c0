import { accuracyMetricInfo } from '../accuracy/metric-table.js';

/**
 * The one number formatter: the terminal table, the gate's reasons, the Markdown and the HTML
 * report all print a value through here, so the same value reads the same everywhere (a reviewer
 * compared "cos 0.7854" in a table with "0.7855" in its reason, "341000 bytes" with 341002, and
 * "159000/s" with "158,849").
 */

/**
 * `digits` significant digits (`5.00`, `12.3`, `0.0123`); from 1000 up the whole number, grouped
 * (`158,849`: rounding a count or a size to 3 digits hides what changed); below 0.001 in exponent
 * notation (`1.23e-5`). `—` for a missing value.
 */
export function formatSig(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude < 1e-3) return value.toExponential(Math.max(0, digits - 1));
  return value.toPrecision(digits);
}

/** {@link formatSig} without trailing zeros, for numbers inside a sentence (`limit 1`, `2.3 points`). */
export function formatPlain(value: number | null | undefined, digits = 3): string {
  const text = formatSig(value, digits);
  return /^-?\d+\.\d+$/.test(text) ? text.replace(/\.?0+$/, '') : text;
}

/** Cosine floored to 4 decimals, so that 0.99996 never reads as a perfect 1.0000. */
export function formatCosine(value: number): string {
  if (value >= 1) return '1.0000';
  return (Math.floor(value * 10_000) / 10_000).toFixed(4);
}

/**
 * A metric's value with its unit: an accuracy metric as its table entry says (the cosine as
 * {@link formatCosine}), other unitless values with 4 significant digits, everything else with 3
 * and the unit.
 */
export function formatValue(value: number | null | undefined, unit = '', metric = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (accuracyMetricInfo(metric)?.format === 'cosine') return formatCosine(value);
  const text = formatSig(value, unit === '' ? 4 : 3);
  if (unit === '') return text;
  return unit.startsWith('/') ? `${text}${unit}` : `${text} ${unit}`;
}
