import { createHash } from 'node:crypto';
import type { Series } from '../history/series.js';
import type { SeriesHistory } from '../history/types.js';
import { escapeHtml } from '../report/escape.js';
import { formatDeltaPct, formatSig } from '../report/format.js';
import { slug } from '../store/key.js';
import { seriesCharts } from './series-view.js';
import { DASHBOARD_CSS } from './style.js';

/** HTML of the dashboard: an index per device and a page per series. Every name is escaped. */

const h = escapeHtml;

export interface SeriesPage {
  series: Series;
  history: SeriesHistory;
  file: string;
}

export function seriesFileName(series: Series): string {
  const hash = createHash('sha256').update(series.id).digest('hex').slice(0, 10);
  const i = series.identity;
  return `${slug(i.device, 24)}--${slug(i.model, 32)}-${slug(i.precision, 8)}-b${i.batchSize}-${hash}.html`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${h(title)}</title><style>${DASHBOARD_CSS}</style></head>
<body><main>${body}</main></body></html>
`;
}

function latest(series: Series, metric: (s: Series['runs'][number]) => number | undefined): string {
  const run = series.runs.at(-1);
  const value = run ? metric(run) : undefined;
  return value === undefined ? '—' : formatSig(value);
}

function openRegressions(history: SeriesHistory): number {
  return history.steps.filter((s) => s.kind === 'regression' && s.status === 'lasting').length;
}

export function indexPage(pages: SeriesPage[], generatedAt: string, storeDescription: string): string {
  const devices = [...new Set(pages.map((p) => p.series.identity.device))].sort();
  const sections = devices.map((device) => {
    const rows = pages
      .filter((p) => p.series.identity.device === device)
      .map(({ series, history, file }) => {
        const open = openRegressions(history);
        return `<tr><td><a href="${h(file)}">${h(history.label)}</a></td><td>${h(series.identity.runner)}</td><td class="num">${history.runs}</td>
<td class="num">${latest(series, (r) => r.entry.latency?.pooled.median)}</td><td class="num">${latest(series, (r) => r.entry.throughput?.itemsPerSec)}</td>
<td>${open > 0 ? `<span class="tag regression">${open} regression${open > 1 ? 's' : ''}</span>` : 'none'}</td><td class="num">${history.environmentSteps.length}</td></tr>`;
      });
    return `<h2>${h(device)}</h2><div class="table-wrap"><table><thead><tr><th>model / precision / batch</th><th>runner</th><th class="num">runs</th><th class="num">latest p50 ms</th><th class="num">latest items/s</th><th>lasting regressions</th><th class="num">environment changes</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  });
  return page(
    'trt-gate benchmark history',
    `<h1>Benchmark history</h1><p class="muted">${h(`${pages.length} series from ${storeDescription}; generated ${generatedAt}.`)}</p>${sections.join('') || '<p>The store holds no runs.</p>'}`,
  );
}

function stepsTable(history: SeriesHistory): string {
  if (history.steps.length === 0 && history.environmentSteps.length === 0)
    return '<p>No step and no environment change.</p>';
  const rows = [
    ...history.steps.map(
      (s) =>
        `<tr><td><span class="tag ${s.status === 'recovered' ? 'recovered' : s.kind}">${h(s.status === 'recovered' ? `${s.kind}, recovered at run ${s.recoveredAtRun}` : s.kind)}</span></td><td>${h(s.metric)}</td><td class="num">${s.atRun}</td><td>${h(`${formatSig(s.before)} → ${formatSig(s.after)}`)}</td><td>${h(formatDeltaPct(s.deltaPct, s.intervalPct))}</td><td>${h(`${s.range.fromSha?.slice(0, 12) ?? `run ${s.range.fromRun}`} … ${s.range.toSha?.slice(0, 12) ?? `run ${s.range.toRun}`}`)}</td></tr>`,
    ),
    ...history.environmentSteps.map(
      (e) =>
        `<tr><td><span class="tag environment">environment</span></td><td>${h(e.changes.map((c) => `${c.field}: ${c.from} → ${c.to}`).join('; '))}</td><td class="num">${e.atRun}</td><td colspan="2">${h(
          e.levels
            .filter((l) => l.metric === 'latency.p50' || l.metric === 'throughput')
            .map((l) => `${l.metric} ${formatDeltaPct(l.deltaPct)}`)
            .join(', '),
        )}</td><td>not a regression</td></tr>`,
    ),
  ].join('');
  return `<div class="table-wrap"><table><thead><tr><th>kind</th><th>what</th><th class="num">at run</th><th>level</th><th>change [95 % CI]</th><th>commits</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function seriesPage({ series, history }: SeriesPage): string {
  const charts = seriesCharts(series, history);
  const blips = history.blips.map(
    (b) =>
      `<li><span class="tag ${b.kind}">${b.kind}</span> ${h(`${b.metric}: run${b.runs.length > 1 ? 's' : ''} ${b.runs.join(', ')} ${formatDeltaPct(b.deltaPct)}`)}</li>`,
  );
  const envs = history.environments.map(
    (e) =>
      `<li>${h(`runs ${e.fromRun}–${e.toRun}: ${e.environment.runtime}; options ${e.environment.optionsHash}; clocks ${e.environment.clocks}`)}</li>`,
  );
  return page(
    `${history.label} on ${series.identity.device}`,
    `<p><a href="index.html">← all series</a></p><h1>${h(history.label)}</h1><p class="muted">${h(`${series.identity.device} · ${series.identity.runner} · ${history.runs} runs`)}</p>
<h2>Steps</h2>${stepsTable(history)}${blips.length ? `<h3>Outlying runs</h3><ul>${blips.join('')}</ul>` : ''}
<h2>Trends</h2><div class="charts">${charts.trends.map((svg) => `<div class="card">${svg}</div>`).join('')}</div>
<h2>Latest run against the baseline</h2><div class="card">${charts.distribution || '<p>No latency samples.</p>'}</div>
<h2>Environments</h2><ul>${envs.join('')}</ul>`,
  );
}
