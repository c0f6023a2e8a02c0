/**
 * Axes for the inline SVG charts: linear or logarithmic scales with readable ticks. A log scale is
 * used where positive data spans more than a decade, so one slow outlier does not flatten the rest.
 */

export interface Scale {
  kind: 'linear' | 'log';
  lo: number;
  hi: number;
  /** Data value → pixel. */
  at(value: number): number;
  ticks: number[];
}

/** Coordinates with one decimal: short, and never `NaN` in an attribute. */
export function px(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '0';
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
}

export function linearTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep(hi - lo, count);
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of hi / lo > 1000 ? [1] : [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) ticks.push(Number(v.toPrecision(12)));
    }
  }
  return ticks;
}

/**
 * A scale over `values` onto [p0, p1] (p1 < p0 for a y axis). `positive` data never gets an axis
 * below zero; it goes logarithmic when it spans more than `decades` decades.
 */
export function scaleFor(
  values: readonly number[],
  p0: number,
  p1: number,
  options: { positive?: boolean; zero?: boolean; decades?: number } = {},
): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && (!options.positive || v > 0));
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (options.positive && lo > 0 && hi / lo > 10 ** (options.decades ?? 1)) {
    const l = Math.log10(lo) - 0.05;
    const h = Math.log10(hi) + 0.05;
    return {
      kind: 'log',
      lo: 10 ** l,
      hi: 10 ** h,
      at: (v) => p0 + ((Math.log10(Math.max(v, 10 ** l)) - l) / (h - l)) * (p1 - p0),
      ticks: logTicks(10 ** l, 10 ** h),
    };
  }
  if (options.zero) lo = Math.min(0, lo);
  if (hi <= lo) {
    const pad = Math.abs(lo) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  }
  const pad = (hi - lo) * 0.08;
  lo = options.zero && lo === 0 ? 0 : lo - pad;
  hi += pad;
  if (options.positive && lo < 0) lo = 0;
  return {
    kind: 'linear',
    lo,
    hi,
    at: (v) => p0 + ((v - lo) / (hi - lo)) * (p1 - p0),
    ticks: linearTicks(lo, hi),
  };
}
