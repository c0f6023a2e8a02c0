import { escapeHtml, truncateText } from './escape.js';
import { formatDeltaPct, formatSig } from './format.js';
import type { RowView } from './view-model-types.js';

/**
 * Inline SVG charts for the HTML report: no scripts, no external resources. Every piece of text
 * goes through escapeHtml; every coordinate is a number formatted here.
 */

const VERDICT_COLOURS: Record<string, string> = {
  regressed: '#d1242f',
  failed: '#8250df',
  improved: '#1a7f37',
  inconclusive: '#9a6700',
  'environment-mismatch': '#9a6700',
};
const NEUTRAL = '#6e7781';

function n(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '0';
}

/**
 * One entry's latency distribution: a histogram of the raw samples, the candidate's min–p99 range
 * with the p50–p90 box, and the baseline's p50/p99 as dashed lines when a comparison has them.
 */
export function latencyChartSvg(row: RowView): string {
  const d = row.distribution;
  if (!d) return '';
  const width = 560;
  const height = 178;
  const left = 12;
  const right = width - 12;
  const histTop = 14;
  const histBottom = 104;
  const barY = 122;

  const hist = d.histogram;
  const values = [d.min, d.p99, hist?.hi ?? d.p99, d.baselineP50 ?? d.p50, d.baselineP99 ?? d.p99];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi <= lo) hi = lo + Math.max(Math.abs(lo) * 0.01, 1e-6);
  const pad = (hi - lo) * 0.04;
  lo -= pad;
  hi += pad;
  const x = (v: number) => left + ((v - lo) / (hi - lo)) * (right - left);

  const parts: string[] = [];
  const title = `Latency distribution of ${row.label}: p50 ${formatSig(d.p50)} ms, p99 ${formatSig(d.p99)} ms over ${d.count} samples`;
  parts.push(`<title>${escapeHtml(title)}</title>`);
  parts.push(
    `<line x1="${left}" y1="${histBottom}" x2="${right}" y2="${histBottom}" stroke="#d0d7de" stroke-width="1"/>`,
  );

  if (hist && hist.counts.length > 0) {
    const peak = Math.max(1, ...hist.counts);
    const binWidth = (hist.hi - hist.lo) / hist.counts.length;
    hist.counts.forEach((count, i) => {
      if (count === 0) return;
      const x0 = x(hist.lo + i * binWidth);
      const x1 = x(hist.lo + (i + 1) * binWidth);
      const h = (count / peak) * (histBottom - histTop);
      parts.push(
        `<rect class="bin" x="${n(x0)}" y="${n(histBottom - h)}" width="${n(Math.max(1, x1 - x0 - 1))}" height="${n(h)}" fill="#54aeff"><title>${escapeHtml(`${count} samples`)}</title></rect>`,
      );
    });
    if (hist.overflow > 0) {
      parts.push(
        `<text x="${right}" y="${histTop + 8}" text-anchor="end" font-size="10" fill="${NEUTRAL}">${escapeHtml(`+${hist.overflow} above ${formatSig(hist.hi)} ms`)}</text>`,
      );
    }
  } else {
    parts.push(
      `<text x="${left}" y="${histTop + 40}" font-size="11" fill="${NEUTRAL}">no raw samples recorded</text>`,
    );
  }

  // Candidate: min–p99 whisker, p50–p90 box, p50 tick.
  parts.push(
    `<line x1="${n(x(d.min))}" y1="${barY}" x2="${n(x(d.p99))}" y2="${barY}" stroke="#0969da" stroke-width="2"/>`,
    `<rect x="${n(x(d.p50))}" y="${barY - 7}" width="${n(Math.max(1, x(d.p90) - x(d.p50)))}" height="14" fill="#0969da" fill-opacity="0.35" stroke="#0969da"/>`,
    `<line x1="${n(x(d.p50))}" y1="${barY - 9}" x2="${n(x(d.p50))}" y2="${barY + 9}" stroke="#0969da" stroke-width="3"/>`,
    `<text x="${left}" y="${barY + 24}" font-size="10" fill="#0969da">${escapeHtml(`candidate  min ${formatSig(d.min)} · p50 ${formatSig(d.p50)} · p90 ${formatSig(d.p90)} · p99 ${formatSig(d.p99)} · max ${formatSig(d.max)} ms`)}</text>`,
  );

  // Baseline markers.
  const baseline: string[] = [];
  for (const [name, value] of [
    ['p50', d.baselineP50],
    ['p99', d.baselineP99],
  ] as const) {
    if (value === null) continue;
    parts.push(
      `<line class="baseline" x1="${n(x(value))}" y1="${histTop - 4}" x2="${n(x(value))}" y2="${barY + 9}" stroke="#cf222e" stroke-width="1.5" stroke-dasharray="4 3"><title>${escapeHtml(`baseline ${name} ${formatSig(value)} ms`)}</title></line>`,
    );
    baseline.push(`${name} ${formatSig(value)}`);
  }
  if (baseline.length) {
    parts.push(
      `<text x="${left}" y="${barY + 38}" font-size="10" fill="#cf222e">${escapeHtml(`baseline (dashed)  ${baseline.join(' · ')} ms`)}</text>`,
    );
  }
  parts.push(
    `<text x="${left}" y="${height - 2}" font-size="9" fill="${NEUTRAL}">${escapeHtml(`${formatSig(lo)} ms`)}</text>`,
    `<text x="${right}" y="${height - 2}" font-size="9" text-anchor="end" fill="${NEUTRAL}">${escapeHtml(`${formatSig(hi)} ms`)}</text>`,
  );
  return `<svg class="latency-chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">${parts.join('')}</svg>`;
}

/** Horizontal bars of each entry's Δ% with its interval as a whisker, coloured by verdict. */
export function deltaChartSvg(rows: readonly RowView[]): string {
  const data = rows.filter((r) => r.deltaPct !== null);
  if (data.length === 0) return '';
  const labelWidth = 250;
  const valueWidth = 150;
  const barWidth = 300;
  const rowHeight = 24;
  const top = 20;
  const width = labelWidth + barWidth + valueWidth;
  const height = top + data.length * rowHeight + 10;
  let span = 5;
  for (const r of data) {
    span = Math.max(span, Math.abs(r.deltaPct ?? 0), ...(r.deltaInterval ?? []).map(Math.abs));
  }
  span *= 1.05;
  const x = (v: number) => labelWidth + ((v + span) / (2 * span)) * barWidth;
  const zero = x(0);

  const parts: string[] = [`<title>Change per entry (Δ %)</title>`];
  parts.push(
    `<text x="${n(x(-span))}" y="12" font-size="9" fill="${NEUTRAL}">${escapeHtml(formatDeltaPct(-span))}</text>`,
    `<text x="${n(zero)}" y="12" font-size="9" text-anchor="middle" fill="${NEUTRAL}">0</text>`,
    `<text x="${n(x(span))}" y="12" font-size="9" text-anchor="end" fill="${NEUTRAL}">${escapeHtml(formatDeltaPct(span))}</text>`,
    `<line x1="${n(zero)}" y1="${top - 4}" x2="${n(zero)}" y2="${height - 6}" stroke="#8c959f" stroke-width="1"/>`,
  );
  data.forEach((r, i) => {
    const y = top + i * rowHeight;
    const mid = y + rowHeight / 2;
    const delta = r.deltaPct ?? 0;
    const colour = (r.verdict && VERDICT_COLOURS[r.verdict]) || NEUTRAL;
    const x0 = Math.min(zero, x(delta));
    const w = Math.max(1, Math.abs(x(delta) - zero));
    parts.push(
      `<text x="${labelWidth - 8}" y="${n(mid + 4)}" font-size="11" text-anchor="end">${escapeHtml(truncateText(`${r.label} (${r.device})`, 42))}</text>`,
      `<rect class="delta-bar" x="${n(x0)}" y="${n(y + 5)}" width="${n(w)}" height="${rowHeight - 10}" fill="${colour}" fill-opacity="0.75"><title>${escapeHtml(`${r.label}: ${r.delta}`)}</title></rect>`,
    );
    if (r.deltaInterval) {
      const [a, b] = r.deltaInterval;
      parts.push(
        `<line x1="${n(x(a))}" y1="${n(mid)}" x2="${n(x(b))}" y2="${n(mid)}" stroke="#24292f" stroke-width="1.5"/>`,
        `<line x1="${n(x(a))}" y1="${n(mid - 4)}" x2="${n(x(a))}" y2="${n(mid + 4)}" stroke="#24292f" stroke-width="1.5"/>`,
        `<line x1="${n(x(b))}" y1="${n(mid - 4)}" x2="${n(x(b))}" y2="${n(mid + 4)}" stroke="#24292f" stroke-width="1.5"/>`,
      );
    }
    parts.push(
      `<text x="${labelWidth + barWidth + 8}" y="${n(mid + 4)}" font-size="11" fill="${colour}">${escapeHtml(r.delta)}</text>`,
    );
  });
  return `<svg class="delta-chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">${parts.join('')}</svg>`;
}
