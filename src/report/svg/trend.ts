import { escapeHtml } from '../escape.js';
import { formatSig } from '../format.js';
import { px, scaleFor } from './scale.js';

/**
 * A metric over a series of runs: one dot per run, the level of each stretch between changes as a
 * line, steps and environment changes as labelled vertical markers. Colours come from CSS classes
 * (`.pt`, `.mk-regression`, …) so the page's light and dark schemes apply; text is escaped.
 */

export interface TrendPoint {
  run: number;
  value: number;
  /** An outlying run (blip or pending), drawn hollow. */
  outlier?: boolean;
  title: string;
}

export interface TrendMarker {
  run: number;
  kind: 'regression' | 'improvement' | 'environment';
  label: string;
}

export interface TrendLevel {
  fromRun: number;
  toRun: number;
  value: number;
}

export interface TrendChart {
  title: string;
  unit: string;
  runs: number;
  points: TrendPoint[];
  markers: TrendMarker[];
  levels: TrendLevel[];
  /** Draw the y axis from zero (sizes, counts) rather than around the data. */
  zero?: boolean;
}

const WIDTH = 520;
const HEIGHT = 220;
const LEFT = 64;
const RIGHT = WIDTH - 16;
const TOP = 30;
const BOTTOM = HEIGHT - 28;

export function trendSvg(chart: TrendChart): string {
  if (chart.points.length === 0) return '';
  const y = scaleFor(
    chart.points.map((p) => p.value),
    BOTTOM,
    TOP,
    { positive: chart.points.every((p) => p.value >= 0), zero: chart.zero, decades: 1 },
  );
  const span = Math.max(1, chart.runs - 1);
  const x = (run: number) => LEFT + ((run - 1) / span) * (RIGHT - LEFT);
  const unit = chart.unit ? ` ${chart.unit}` : '';
  const parts: string[] = [`<title>${escapeHtml(chart.title)}</title>`];
  for (const t of y.ticks) {
    parts.push(
      `<line class="grid" x1="${LEFT}" x2="${RIGHT}" y1="${px(y.at(t))}" y2="${px(y.at(t))}"/>`,
      `<text class="lbl" x="${LEFT - 6}" y="${px(y.at(t) + 4)}" text-anchor="end">${escapeHtml(formatSig(t))}</text>`,
    );
  }
  const xTicks = [...new Set([1, Math.round((chart.runs + 1) / 2), chart.runs])];
  xTicks.forEach((r, i) => {
    const anchor = i === 0 ? 'start' : i === xTicks.length - 1 ? 'end' : 'middle';
    parts.push(
      `<text class="lbl" x="${px(x(r))}" y="${BOTTOM + 16}" text-anchor="${anchor}">${escapeHtml(`run ${r}`)}</text>`,
    );
  });
  parts.push(
    `<text class="lbl" x="${LEFT}" y="14">${escapeHtml(`${chart.title}${unit ? ` (${chart.unit}${y.kind === 'log' ? ', log scale' : ''})` : ''}`)}</text>`,
  );
  chart.markers.forEach((m, i) => {
    const mx = x(m.run - 0.5);
    const anchor = mx > (LEFT + RIGHT) / 2 ? 'end' : 'start';
    const tx = anchor === 'end' ? mx - 4 : mx + 4;
    parts.push(
      `<line class="mk mk-${m.kind}" x1="${px(mx)}" x2="${px(mx)}" y1="${TOP - 6}" y2="${BOTTOM}"><title>${escapeHtml(m.label)}</title></line>`,
      `<text class="lbl mk-${m.kind}-text" x="${px(tx)}" y="${TOP + 6 + (i % 3) * 12}" text-anchor="${anchor}">${escapeHtml(m.label)}</text>`,
    );
  });
  for (const level of chart.levels) {
    parts.push(
      `<line class="level" x1="${px(x(level.fromRun))}" x2="${px(x(level.toRun))}" y1="${px(y.at(level.value))}" y2="${px(y.at(level.value))}"><title>${escapeHtml(`runs ${level.fromRun}–${level.toRun}: median ${formatSig(level.value)}${unit}`)}</title></line>`,
    );
  }
  for (const p of chart.points) {
    parts.push(
      `<circle class="${p.outlier ? 'pt pt-outlier' : 'pt'}" cx="${px(x(p.run))}" cy="${px(y.at(p.value))}" r="3"><title>${escapeHtml(p.title)}</title></circle>`,
    );
  }
  parts.push(`<line class="axis" x1="${LEFT}" x2="${RIGHT}" y1="${BOTTOM}" y2="${BOTTOM}"/>`);
  return `<svg class="chart trend" role="img" viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="xMinYMin meet">${parts.join('')}</svg>`;
}
