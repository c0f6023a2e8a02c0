import { escapeHtml } from '../report/escape.js';
import { formatSig } from '../report/format.js';
import type { SweepView } from './view.js';

const COLOURS = ['#0969da', '#8250df', '#1a7f37', '#9a6700', '#cf222e'];

function n(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '0';
}

/**
 * The sweep as two inline SVG panels over batch size (log2 axis): throughput (items/s) and the
 * SLO's latency statistic with the budget as a dashed line. One line per concurrency level; points
 * outside the SLO are hollow, the chosen point is ringed. All text goes through escapeHtml.
 */
export function sweepChartSvg(view: SweepView): string {
  if (view.points.length === 0) return '';
  const width = 560;
  const panel = 150;
  const gap = 34;
  const left = 56;
  const right = width - 12;
  const height = panel * 2 + gap + 28;
  const batches = view.points.map((p) => p.batchSize);
  const bLo = Math.log2(Math.min(...batches));
  const bHi = Math.max(Math.log2(Math.max(...batches)), bLo + 1);
  const x = (b: number) => left + ((Math.log2(b) - bLo) / (bHi - bLo)) * (right - left);
  const yOf = (top: number, max: number) => (v: number) => top + panel - (v / (max || 1)) * (panel - 10);
  const tputMax = Math.max(...view.points.map((p) => p.itemsPerSec)) * 1.05;
  const latMax = Math.max(...view.points.map((p) => p.latencyMs), view.sloMs ?? 0) * 1.1;
  const yT = yOf(10, tputMax);
  const latTop = 10 + panel + gap;
  const yL = yOf(latTop, latMax);
  const latName = view.slo ? view.slo.split(' ')[0] : 'p99';
  const parts: string[] = [
    `<title>${escapeHtml(`Throughput sweep of ${view.label} on ${view.device}`)}</title>`,
  ];
  for (const [top, label] of [
    [10, 'items/s'],
    [latTop, `${latName} ms`],
  ] as const) {
    parts.push(
      `<line x1="${left}" y1="${top + panel}" x2="${right}" y2="${top + panel}" stroke="#d0d7de"/>`,
      `<text x="4" y="${top + 10}" font-size="11" fill="#57606a">${escapeHtml(label)}</text>`,
    );
  }
  parts.push(
    `<text x="4" y="${n(yT(tputMax / 1.05))}" font-size="10" fill="#57606a">${escapeHtml(formatSig(tputMax / 1.05))}</text>`,
  );
  parts.push(
    `<text x="4" y="${n(yL(latMax / 1.1))}" font-size="10" fill="#57606a">${escapeHtml(formatSig(latMax / 1.1))}</text>`,
  );
  for (const b of [...new Set(batches)]) {
    parts.push(
      `<text x="${n(x(b))}" y="${height - 6}" font-size="10" text-anchor="middle" fill="#57606a">${b}</text>`,
    );
  }
  if (view.sloMs !== null) {
    const y = n(yL(view.sloMs));
    parts.push(
      `<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#cf222e" stroke-dasharray="4 3"/>`,
      `<text x="${right}" y="${n(yL(view.sloMs) - 3)}" font-size="10" text-anchor="end" fill="#cf222e">${escapeHtml(`SLO ${view.slo ?? ''}`)}</text>`,
    );
  }
  const levels = [...new Set(view.points.map((p) => p.concurrency))];
  levels.forEach((level, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const pts = view.points.filter((p) => p.concurrency === level);
    for (const y of [yT, yL]) {
      const value = (p: (typeof pts)[number]) => (y === yT ? p.itemsPerSec : p.latencyMs);
      parts.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${pts.map((p) => `${n(x(p.batchSize))},${n(y(value(p)))}`).join(' ')}"/>`,
      );
      for (const p of pts) {
        const tip = `batch ${p.batchSize} × ${p.concurrency}: ${formatSig(p.itemsPerSec)} items/s, ${latName} ${formatSig(p.latencyMs)} ms${p.withinSlo === false ? ' (outside the SLO)' : ''}${p.chosen ? ' (chosen)' : ''}`;
        const fill = p.withinSlo === false ? 'white' : colour;
        parts.push(
          `<circle class="sweep-point${p.chosen ? ' chosen' : ''}" cx="${n(x(p.batchSize))}" cy="${n(y(value(p)))}" r="3.5" fill="${fill}" stroke="${colour}"><title>${escapeHtml(tip)}</title></circle>`,
        );
        if (p.chosen) {
          parts.push(
            `<circle cx="${n(x(p.batchSize))}" cy="${n(y(value(p)))}" r="7" fill="none" stroke="#1f2328"/>`,
          );
        }
      }
    }
    parts.push(
      `<text x="${right}" y="${22 + i * 12}" font-size="10" text-anchor="end" fill="${colour}">${escapeHtml(`concurrency ${level}`)}</text>`,
    );
  });
  return `<svg class="chart sweep-chart" role="img" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}
