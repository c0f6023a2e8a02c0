import { escapeMarkdown } from '../report/escape.js';
import { formatDeltaPct, formatSig } from '../report/format.js';
import type { EnvironmentStep, HistoryReport, HistoryStep, RunRange, SeriesHistory } from './types.js';

const md = (v: unknown) => escapeMarkdown(v);

function commits(range: RunRange): string {
  const sha = (s?: string) => (s ? `\`${s.slice(0, 12).replace(/[^0-9a-zA-Z]/g, '')}\`` : '?');
  if (!range.fromSha && !range.toSha) return `runs ${range.fromRun}–${range.toRun}`;
  return `${sha(range.fromSha)}…${sha(range.toSha)}`;
}

function stepRow(step: HistoryStep): string {
  const status =
    step.status === 'recovered'
      ? `recovered at run ${step.recoveredAtRun}`
      : `lasting (${step.runsAfter} runs)`;
  return `| ${step.kind} | ${md(step.metric)} | ${step.atRun} | ${formatSig(step.before)} → ${formatSig(step.after)} | ${formatDeltaPct(step.deltaPct, step.intervalPct)} | ${status} | ${commits(step.range)} |`;
}

function environmentLine(step: EnvironmentStep): string {
  const what = step.changes.map((c) => `${md(c.field)} ${md(c.from)} → ${md(c.to)}`).join('; ');
  const levels = step.levels
    .filter((l) => l.metric.startsWith('latency.p50') || l.metric === 'throughput')
    .map((l) => `${md(l.metric)} ${formatDeltaPct(l.deltaPct)}`)
    .join(', ');
  return `- run ${step.atRun} (${commits(step.range)}): ${what}${levels ? ` — ${levels} (not a regression: the environment changed)` : ''}`;
}

function seriesSection(s: SeriesHistory): string {
  const lines = [`### ${md(s.label)} on ${md(s.identity.device)} (${s.runs} runs)`, ''];
  if (s.steps.length === 0) lines.push('No step.', '');
  else {
    lines.push(
      '| step | metric | at run | level | change [95 % CI] | status | commits |',
      '| --- | --- | ---: | --- | --- | --- | --- |',
      ...s.steps.map(stepRow),
      '',
    );
  }
  if (s.environmentSteps.length > 0)
    lines.push('Environment changes:', '', ...s.environmentSteps.map(environmentLine), '');
  const blips = s.blips.map(
    (b) =>
      `- ${b.kind === 'pending' ? 'latest run(s) deviate, not yet a step' : 'blip'}: ${md(b.metric)} run${b.runs.length > 1 ? 's' : ''} ${b.runs.join(', ')} ${formatDeltaPct(b.deltaPct)}`,
  );
  if (blips.length > 0) lines.push('Outlying runs:', '', ...blips, '');
  if (s.untested.length > 0)
    lines.push(`Too few runs per environment to test: ${s.untested.map(md).join(', ')}.`, '');
  return lines.join('\n');
}

export function renderHistoryMarkdown(report: HistoryReport): string {
  const m = report.method;
  const head = [
    '## Benchmark history',
    '',
    `Change points by E-divisive means (permutation test, α = ${m.alpha}, ${m.permutations} permutations, at least ${m.minSize} runs on each side, seed ${m.seed}); smallest step reported: ${Object.entries(
      m.minEffect,
    )
      .map(([k, v]) => `${md(k)} ${md(v)}`)
      .join(', ')}.`,
    '',
  ];
  if (report.series.length === 0) return [...head, 'The store holds no runs.', ''].join('\n');
  return [...head, ...report.series.map(seriesSection)].join('\n');
}
