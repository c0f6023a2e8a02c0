import { escapeHtml, truncateText } from './escape.js';
import { formatCosine, formatDeltaPct, formatSig } from './format.js';
import { distributionSvg } from './svg/distribution.js';
import { px } from './svg/scale.js';
import type { RowView } from './view-model-types.js';

/**
 * Inline SVG charts for the HTML report: no scripts, no external resources. Every piece of text
 * goes through escapeHtml; every coordinate is a number formatted here. Colours come from CSS
 * classes (`.v-regressed`, …) so the report's light and dark schemes apply.
 */

/**
 * One entry's latency distribution on a positive axis, log where it spans decades, with the
 * baseline's distribution overlaid as an outline where stored runs kept samples; its p50/p99 dashed.
 */
export function latencyChartSvg(row: RowView): string {
  const d = row.distribution;
  if (!d) return '';
  if (d.samples.length === 0) return '<p class="muted">No raw samples recorded.</p>';
  return distributionSvg({
    title: `Latency distribution of ${row.label}`,
    candidate: d.samples,
    candidateLabel: 'this run',
    baselineLabel: d.baselineLabel,
    ...(d.baselineQuantiles ? { baseline: d.baselineQuantiles, baselineCount: d.baselineSamples ?? 0 } : {}),
    baselineMarks: { p50: d.baselineP50, p99: d.baselineP99 },
  });
}

/**
 * Symmetric log of a percentage: linear within ±1 %, logarithmic beyond, so +2 % stays visible
 * next to +1300 %: sign(v)·log10(1 + |v|).
 */
const symlog = (v: number) => Math.sign(v) * Math.log10(1 + Math.abs(v));
const SYMLOG_TICKS = [1, 10, 100, 1000, 10000];

/**
 * Horizontal bars of each entry's Δ% with its interval as a whisker, on a symmetric log axis,
 * coloured by the verdict of the metric the bar shows (a faster entry that failed on accuracy is
 * not drawn as a slowdown).
 */
export function deltaChartSvg(rows: readonly RowView[]): string {
  const data = rows.filter((r) => r.deltaPct !== null);
  if (data.length === 0) return '';
  const labelWidth = 230;
  const barWidth = 300;
  const valueWidth = 200;
  const rowHeight = 24;
  const top = 22;
  const width = labelWidth + barWidth + valueWidth;
  const height = top + data.length * rowHeight + 8;
  let span = symlog(5);
  for (const r of data)
    span = Math.max(span, ...[r.deltaPct ?? 0, ...(r.deltaInterval ?? [])].map((v) => Math.abs(symlog(v))));
  span *= 1.05;
  const x = (v: number) => labelWidth + ((symlog(v) + span) / (2 * span)) * barWidth;
  const zero = x(0);
  const parts: string[] = [`<title>Change per entry (Δ %, symmetric log axis)</title>`];
  for (const t of [0, ...SYMLOG_TICKS.flatMap((t) => [t, -t])]) {
    if (Math.abs(symlog(t)) > span) continue;
    parts.push(
      `<line class="grid" x1="${px(x(t))}" x2="${px(x(t))}" y1="${top - 4}" y2="${height - 4}"/>`,
      `<text class="lbl" x="${px(x(t))}" y="12" text-anchor="middle">${escapeHtml(t === 0 ? '0' : `${t > 0 ? '+' : '−'}${Math.abs(t)} %`)}</text>`,
    );
  }
  data.forEach((r, i) => {
    const y = top + i * rowHeight;
    const mid = y + rowHeight / 2;
    const delta = r.deltaPct ?? 0;
    const cls = `v-${r.deltaVerdict ?? 'none'}`;
    parts.push(
      `<text class="name" x="${labelWidth - 8}" y="${px(mid + 4)}" text-anchor="end">${escapeHtml(truncateText(`${r.label} (${r.device})`, 32))}<title>${escapeHtml(`${r.label} (${r.device})`)}</title></text>`,
      `<rect class="delta-bar ${cls}" x="${px(Math.min(zero, x(delta)))}" y="${px(y + 5)}" width="${px(Math.max(1, Math.abs(x(delta) - zero)))}" height="${rowHeight - 10}"><title>${escapeHtml(`${r.label}: ${r.delta} (${r.deltaVerdict ?? 'no verdict'})`)}</title></rect>`,
    );
    if (r.deltaInterval) {
      const [a, b] = r.deltaInterval;
      parts.push(
        `<path class="whisker" d="M${px(x(a))},${px(mid)}H${px(x(b))}M${px(x(a))},${px(mid - 4)}V${px(mid + 4)}M${px(x(b))},${px(mid - 4)}V${px(mid + 4)}"/>`,
      );
    }
    parts.push(
      `<text class="value ${cls}" x="${labelWidth + barWidth + 8}" y="${px(mid + 4)}">${escapeHtml(truncateText(formatDeltaPct(r.deltaPct, r.deltaInterval ?? undefined), 30))}</text>`,
    );
  });
  return `<svg class="chart delta-chart" role="img" viewBox="0 0 ${width} ${height}" style="max-width:${width}px">${parts.join('')}</svg>`;
}

/** Distance from the fp32 reference drawn on a log axis: identical (≤ 1e-7) … orthogonal (1). */
const ACC_LO = 1e-7;
const ACC_TICKS = [1e-6, 1e-4, 1e-2, 1];

/**
 * Accuracy against fp32, one chart per device: each entry's worst-output `1 − cosine` on a log
 * axis (cosines crowd near 1, where 0.9999 and 0.99999 differ by a decade), coloured by whether
 * the accuracy check passed, with the cosine and top-1 agreement written beside it. Nothing when
 * no entry has accuracy. The heading comes with it, so a report without accuracy has neither.
 */
export function accuracyChartSvg(devices: ReadonlyArray<{ name: string; rows: readonly RowView[] }>): string {
  const charts = devices.flatMap((device) => {
    const data = device.rows.filter((r) => r.accuracyValues);
    if (data.length === 0) return [];
    const labelWidth = 230;
    const barWidth = 300;
    const valueWidth = 200;
    const rowHeight = 24;
    const top = 22;
    const width = labelWidth + barWidth + valueWidth;
    const height = top + data.length * rowHeight + 8;
    const span = Math.log10(1 / ACC_LO);
    const x = (distance: number) =>
      labelWidth + (Math.log10(Math.min(1, Math.max(ACC_LO, distance)) / ACC_LO) / span) * barWidth;
    const parts = [
      `<title>${escapeHtml(`Accuracy against fp32 on ${device.name} (1 − cosine, log axis)`)}</title>`,
    ];
    for (const t of ACC_TICKS) {
      parts.push(
        `<line class="grid" x1="${px(x(t))}" x2="${px(x(t))}" y1="${top - 4}" y2="${height - 4}"/>`,
        `<text class="lbl" x="${px(x(t))}" y="12" text-anchor="middle">${escapeHtml(`1−cos ${t === 1 ? '1' : `1e${Math.log10(t)}`}`)}</text>`,
      );
    }
    data.forEach((r, i) => {
      const { cosine, top1 } = r.accuracyValues!;
      const y = top + i * rowHeight;
      const mid = y + rowHeight / 2;
      const cls = r.accuracyPassed === false ? 'v-regressed' : 'v-unchanged';
      const text = `cos ${formatCosine(cosine)}${top1 === null ? '' : ` · top-1 ${formatSig(top1 * 100)} %`}`;
      parts.push(
        `<text class="name" x="${labelWidth - 8}" y="${px(mid + 4)}" text-anchor="end">${escapeHtml(truncateText(r.label, 32))}<title>${escapeHtml(r.label)}</title></text>`,
        `<rect class="acc-bar ${cls}" x="${labelWidth}" y="${px(y + 5)}" width="${px(Math.max(1, x(1 - cosine) - labelWidth))}" height="${rowHeight - 10}"><title>${escapeHtml(`${r.label}: ${text}${r.accuracyPassed === false ? ' (accuracy check failed)' : ''}`)}</title></rect>`,
        `<text class="value ${cls}" x="${labelWidth + barWidth + 8}" y="${px(mid + 4)}">${escapeHtml(truncateText(text, 30))}</text>`,
      );
    });
    return [
      `<svg class="chart delta-chart accuracy-chart" role="img" viewBox="0 0 ${width} ${height}" style="max-width:${width}px">${parts.join('')}</svg>`,
    ];
  });
  return charts.length === 0 ? '' : `<h2>Accuracy against fp32</h2>\n${charts.join('\n')}`;
}
