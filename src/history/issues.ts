import { createHash } from 'node:crypto';
import { escapeMarkdown } from '../report/escape.js';
import { formatDeltaPct, formatSig } from '../report/format.js';
import type { HistoryReport, HistoryStep, SeriesHistory } from './types.js';

/**
 * Which GitHub issues the nightly job should open, comment on or close, from a history analysis
 * and the issues it opened before. Pure: the Action applies the plan. One issue per lasting
 * regression step, identified by series, metric and the run the step starts at (give or take a
 * couple of runs: the estimate can move as runs arrive); a comment when more runs confirm it; a
 * close when the series recovers (or the step is no longer found).
 */

export const ISSUE_LABELS = ['trt-gate', 'performance-regression'] as const;
/** A re-estimated step within this many runs of the tracked one is the same step. */
const SAME_STEP_RUNS = 3;

/** What the hidden marker in an issue body records. */
export interface StepMarker {
  series: string;
  metric: string;
  /** runId of the first run after the step when the issue was opened. */
  runId: string;
  runsAfter: number;
}

export interface TrackedIssue {
  number: number;
  state: 'open' | 'closed';
  marker: StepMarker;
}

export type IssueAction =
  | { kind: 'open'; marker: StepMarker; title: string; body: string; labels: string[] }
  | { kind: 'comment'; number: number; marker: StepMarker; body: string }
  | { kind: 'close'; number: number; body: string };

/** What applying a plan did, by issue number. */
export interface AppliedIssues {
  opened: number[];
  commented: number[];
  closed: number[];
}

/**
 * Where regression issues live: GitHub in the Action (action/github/issues.ts), a list in tests.
 * `list` returns only issues this tool opened (its label, marker and author), with their bodies.
 */
export interface IssueTracker {
  list(): Promise<Array<TrackedIssue & { body: string }>>;
  apply(plan: readonly IssueAction[], bodies: ReadonlyMap<number, string>): Promise<AppliedIssues>;
}

/** Which metric names an issue when several stepped together: latency first. */
const PRIORITY = ['latency.p50', 'latency.p99', 'throughput'];
const priority = (metric: string) => {
  const i = PRIORITY.indexOf(metric);
  return i < 0 ? PRIORITY.length : i;
};

export function seriesHash(seriesId: string): string {
  return createHash('sha256').update(seriesId).digest('hex').slice(0, 16);
}

const MARKER_RE =
  /<!-- trt-gate:step series=([0-9a-f]{16}) metric=([A-Za-z0-9._]+) run=([A-Za-z0-9._:-]{1,128}) runs-after=(\d+) -->/;

export function formatMarker(m: StepMarker): string {
  const runId = m.runId.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 128);
  return `<!-- trt-gate:step series=${m.series} metric=${m.metric} run=${runId} runs-after=${m.runsAfter} -->`;
}

export function parseMarker(body: string | null | undefined): StepMarker | undefined {
  const m = MARKER_RE.exec(body ?? '');
  return m ? { series: m[1]!, metric: m[2]!, runId: m[3]!, runsAfter: Number(m[4]) } : undefined;
}

function stepText(series: SeriesHistory, step: HistoryStep): string {
  const sha = (s?: string) => (s ? `\`${s.slice(0, 12).replace(/[^0-9a-zA-Z]/g, '')}\`` : 'unknown');
  return [
    `**${escapeMarkdown(step.metric)}** of **${escapeMarkdown(series.label)}** on ${escapeMarkdown(series.identity.device)} went from ${formatSig(step.before)} to ${formatSig(step.after)}: ${formatDeltaPct(step.deltaPct, step.intervalPct)} (95 % interval), from run ${step.atRun} on.`,
    '',
    `- Commit range: ${sha(step.range.fromSha)} (last run before) … ${sha(step.range.toSha)} (first run after), ${escapeMarkdown(step.range.at)}`,
    `- Confirmed by ${step.runsAfter} runs since; permutation p = ${step.pValue.toPrecision(2)}`,
  ].join('\n');
}

function findStep(
  series: SeriesHistory,
  issue: TrackedIssue,
  runNumber: (runId: string) => number | undefined,
) {
  const at = runNumber(issue.marker.runId);
  return series.steps.find(
    (s) =>
      s.metric === issue.marker.metric &&
      s.kind === 'regression' &&
      (s.runId === issue.marker.runId || (at !== undefined && Math.abs(s.atRun - at) <= SAME_STEP_RUNS)),
  );
}

/**
 * `runNumbers` maps a series id to its run ids in order (to place an issue's step run). Only
 * series in the report are touched: an issue whose series was not analysed is left alone.
 */
export function planIssues(
  report: HistoryReport,
  existing: readonly TrackedIssue[],
  runIds: ReadonlyMap<string, readonly string[]>,
): IssueAction[] {
  const actions: IssueAction[] = [];
  for (const series of report.series) {
    const hash = seriesHash(series.id);
    const ids = runIds.get(series.id) ?? [];
    const runNumber = (runId: string) => {
      const i = ids.indexOf(runId);
      return i < 0 ? undefined : i + 1;
    };
    const mine = existing.filter((i) => i.marker.series === hash);
    const handled = new Set<HistoryStep>();
    for (const issue of mine) {
      const step = findStep(series, issue, runNumber);
      if (step) handled.add(step);
      if (issue.state !== 'open') continue;
      if (!step || step.status === 'recovered') {
        const why = step
          ? `Recovered: from run ${step.recoveredAtRun} on the level is back within the minimum effect of where it was before the step.`
          : 'The step is no longer found in the stored history (the runs that showed it were re-analysed or trimmed).';
        actions.push({
          kind: 'close',
          number: issue.number,
          body: `${why}\n\n${formatMarker(issue.marker)}`,
        });
        continue;
      }
      if (step.runsAfter > issue.marker.runsAfter) {
        const marker = { ...issue.marker, runsAfter: step.runsAfter };
        actions.push({
          kind: 'comment',
          number: issue.number,
          marker,
          body: `Still there after ${step.runsAfter} runs:\n\n${stepText(series, step)}\n\n${formatMarker(marker)}`,
        });
      }
    }
    // One issue per step of a series: metrics that stepped at about the same run share it.
    const covered = (step: HistoryStep) =>
      [...handled].some((h) => Math.abs(h.atRun - step.atRun) <= SAME_STEP_RUNS);
    const byPriority = [...series.steps].sort(
      (a, b) => priority(a.metric) - priority(b.metric) || a.atRun - b.atRun,
    );
    for (const step of byPriority) {
      if (step.kind !== 'regression' || step.status !== 'lasting' || covered(step)) continue;
      handled.add(step);
      const together = series.steps.filter(
        (s) => s !== step && s.kind === 'regression' && Math.abs(s.atRun - step.atRun) <= SAME_STEP_RUNS,
      );
      const marker: StepMarker = {
        series: hash,
        metric: step.metric,
        runId: step.runId,
        runsAfter: step.runsAfter,
      };
      actions.push({
        kind: 'open',
        marker,
        // A title is plain text on GitHub; only control characters and length need care.
        title:
          `Performance regression: ${series.label} ${step.metric} ${formatDeltaPct(step.deltaPct)} from run ${step.atRun}`
            .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '')
            .slice(0, 200),
        body: `${stepText(series, step)}${together.length ? `\n\nAt the same runs: ${together.map((s) => `${escapeMarkdown(s.metric)} ${formatDeltaPct(s.deltaPct, s.intervalPct)}`).join(', ')}.` : ''}\n\nOpened by the trt-gate nightly history; it comments when more runs confirm the step and closes this issue when the series recovers.\n\n${formatMarker(marker)}`,
        labels: [...ISSUE_LABELS],
      });
    }
  }
  return actions;
}
