import { escapeHtml } from '../escape.js';
import { formatSig } from '../format.js';
import { px, scaleFor } from './scale.js';

/**
 * Two latency distributions on one positive axis (log where they span more than a decade): the
 * candidate's histogram as bars, the baseline's as an outline over the same bins, both normalised
 * to their own sample count so runs of different lengths compare; medians marked. Samples beyond
 * both p99.9 are counted, not drawn, so one stall does not squeeze the bulk into a bin.
 */

export interface DistributionInput {
  title: string;
  candidate: readonly number[];
  baseline?: readonly number[];
  candidateLabel: string;
  baselineLabel: string;
  /** How many samples `baseline` stands for, where it is a set of quantiles rather than the samples. */
  baselineCount?: number;
  /** Where only the baseline's summary is known (a results file keeps no baseline samples). */
  baselineMarks?: { p50: number | null; p99: number | null };
}

const WIDTH = 720;
const HEIGHT = 200;
const LEFT = 16;
const RIGHT = WIDTH - 16;
const TOP = 34;
const BOTTOM = HEIGHT - 30;
const BINS = 40;

function quantile(sorted: readonly number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  return (
    sorted[lo]! + ((sorted[Math.min(sorted.length - 1, lo + 1)] ?? sorted[lo]!) - sorted[lo]!) * (at - lo)
  );
}

export function distributionSvg(input: DistributionInput): string {
  const cand = [...input.candidate].filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  if (cand.length === 0) return '';
  const base = [...(input.baseline ?? [])].filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  const cut = Math.max(quantile(cand, 0.999), base.length ? quantile(base, 0.999) : 0);
  const marks = [input.baselineMarks?.p50, input.baselineMarks?.p99].filter(
    (v): v is number => typeof v === 'number' && v > 0,
  );
  const lo = Math.min(cand[0]!, base[0] ?? Number.POSITIVE_INFINITY, ...marks);
  const x = scaleFor([lo, cut, ...marks], LEFT, RIGHT, { positive: true, decades: 1 });
  const edges = Array.from({ length: BINS + 1 }, (_, i) =>
    x.kind === 'log' ? x.lo * (x.hi / x.lo) ** (i / BINS) : x.lo + ((x.hi - x.lo) * i) / BINS,
  );
  const binOf = (v: number) => {
    let i = 0;
    while (i < BINS - 1 && v >= edges[i + 1]!) i++;
    return i;
  };
  const density = (values: number[]) => {
    const counts = new Array<number>(BINS).fill(0);
    let over = 0;
    for (const v of values) {
      if (v > cut) over++;
      else counts[binOf(v)]!++;
    }
    return { share: counts.map((c) => c / values.length), over };
  };
  const c = density(cand);
  const b = base.length ? density(base) : undefined;
  const peak = Math.max(...c.share, ...(b?.share ?? [0]));
  const h = (share: number) => (peak > 0 ? (share / peak) * (BOTTOM - TOP) : 0);
  const parts: string[] = [`<title>${escapeHtml(input.title)}</title>`];
  c.share.forEach((share, i) => {
    if (share === 0) return;
    const x0 = x.at(edges[i]!);
    const x1 = x.at(edges[i + 1]!);
    parts.push(
      `<rect class="bar" x="${px(x0)}" y="${px(BOTTOM - h(share))}" width="${px(Math.max(1, x1 - x0 - 1))}" height="${px(h(share))}"><title>${escapeHtml(`${formatSig(edges[i]!)}–${formatSig(edges[i + 1]!)} ms: ${(share * 100).toFixed(1)} % of ${input.candidateLabel}`)}</title></rect>`,
    );
  });
  if (b) {
    const path = b.share
      .map(
        (share, i) =>
          `${i === 0 ? 'M' : 'L'}${px(x.at(edges[i]!))},${px(BOTTOM - h(share))}H${px(x.at(edges[i + 1]!))}`,
      )
      .join('');
    parts.push(`<path class="outline" d="${path}"><title>${escapeHtml(input.baselineLabel)}</title></path>`);
  }
  const median = (label: string, values: number[], cls: string, row: number, count = values.length) => {
    const m = quantile(values, 0.5);
    parts.push(
      `<line class="${cls}" x1="${px(x.at(m))}" x2="${px(x.at(m))}" y1="${TOP - 4}" y2="${BOTTOM}"/>`,
      `<text class="lbl ${cls}-text" x="${LEFT}" y="${12 + row * 13}">${escapeHtml(`${label}: p50 ${formatSig(m)} ms, p99 ${formatSig(quantile(values, 0.99))} ms, ${formatSig(count)} samples`)}</text>`,
    );
  };
  median(input.candidateLabel, cand, 'median', 0);
  if (b) median(input.baselineLabel, base, 'median-base', 1, input.baselineCount);
  else if (marks.length > 0) {
    const { p50, p99 } = input.baselineMarks!;
    for (const [name, v] of [
      ['p50', p50],
      ['p99', p99],
    ] as const) {
      if (typeof v !== 'number' || !(v > 0)) continue;
      parts.push(
        `<line class="median-base" x1="${px(x.at(v))}" x2="${px(x.at(v))}" y1="${TOP - 4}" y2="${BOTTOM}"><title>${escapeHtml(`${input.baselineLabel} ${name} ${formatSig(v)} ms`)}</title></line>`,
      );
    }
    parts.push(
      `<text class="lbl median-base-text" x="${LEFT}" y="25">${escapeHtml(`${input.baselineLabel} (dashed): p50 ${formatSig(p50)} ms, p99 ${formatSig(p99)} ms`)}</text>`,
    );
  }
  for (const t of x.ticks) {
    parts.push(
      `<text class="lbl" x="${px(x.at(t))}" y="${BOTTOM + 14}" text-anchor="middle">${escapeHtml(formatSig(t))}</text>`,
    );
  }
  const over = c.over + (b?.over ?? 0);
  parts.push(
    `<line class="axis" x1="${LEFT}" x2="${RIGHT}" y1="${BOTTOM}" y2="${BOTTOM}"/>`,
    `<text class="lbl" x="${RIGHT}" y="${HEIGHT - 2}" text-anchor="end">${escapeHtml(`ms${x.kind === 'log' ? ' (log scale)' : ''}${over > 0 ? ` · ${over} samples above ${formatSig(cut)} ms not drawn` : ''}`)}</text>`,
  );
  return `<svg class="chart distribution" role="img" viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="xMinYMin meet">${parts.join('')}</svg>`;
}
