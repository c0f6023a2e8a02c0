/**
 * An imported log's latency: per-query samples from --times (cross-checked against the summary), else the
 * performance summary's statistics, refused when it lacks one results.json requires.
 */
import { basename } from 'node:path';
import { DataError } from '../errors.js';
import { SUMMARY_ONLY_SOURCE } from '../results/consistency.js';
import { type Incident, StatsSummary, type Trial } from '../results/schema.js';
import { parseExportTimes } from '../runners/trtexec/parse/export-times.js';
import type { PerformanceSummary } from '../runners/trtexec/parse/performance-summary.js';
import { summaryDisagreement } from '../runners/trtexec/summary-check.js';
import { summarize } from '../stats/summary.js';
import { flagValue } from './trtexec-identity.js';
import type { ImportFile } from './trtexec-input.js';

/** The results layer's name for a run without per-query samples (its cross-check allows them empty). */
export const SUMMARY_SOURCE = SUMMARY_ONLY_SOURCE;

export interface ImportedLatency {
  trial: Trial;
  source: string;
  incidents: Incident[];
  /** Inferences per second. */
  qps: number;
}

function requiredStatKeys(): string[] {
  return Object.entries(StatsSummary.shape)
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([key]) => key);
}

/** The summary's latency as a StatsSummary, when it has every statistic the schema requires. */
function statsFromSummary(summary: PerformanceSummary, source: string): StatsSummary {
  const l = summary.latency;
  const known: Record<string, number | undefined> = {
    count: summary.timing?.queries,
    min: l?.min,
    max: l?.max,
    mean: l?.mean,
    median: l?.median,
    p90: l?.percentiles['90'],
    p95: l?.percentiles['95'],
    p99: l?.percentiles['99'],
    // trtexec prints no standard deviation of latency (only a CV of GPU compute time, and only when unstable).
    stddev: undefined,
    cv: undefined,
  };
  const missing = requiredStatKeys().filter((k) => known[k] === undefined);
  if (missing.length > 0) {
    throw new DataError(
      `${source}: the performance summary has no ${missing.join(', ')} of latency, which results.json requires; ` +
        'it cannot be imported without per-query samples: pass --times <the file written by trtexec --exportTimes>',
      source,
    );
  }
  return StatsSummary.parse(Object.fromEntries(Object.entries(known).filter(([, v]) => v !== undefined)));
}

function crossCheck(
  summary: PerformanceSummary | undefined,
  stats: StatsSummary,
  times: string,
): Incident | undefined {
  const disagreement = summaryDisagreement(summary, stats, `samples in ${times}`);
  if (!disagreement) return undefined;
  return {
    kind: 'unreliable-measurement',
    stage: 'benchmark',
    title: "The log's performance summary disagrees with the --times samples",
    message: `${disagreement}. Are both files from the same run? The samples are used.`,
    nextSteps: ['Import the log and the --exportTimes file of one and the same trtexec run.'],
  };
}

function trialFromTimes(
  times: ImportFile,
  summary: PerformanceSummary | undefined,
  args: string[] | undefined,
): { trial: Trial; mismatch?: Incident } {
  const warmUp = flagValue(args, 'warmUp');
  const exported = parseExportTimes(times.text, times.path, warmUp ? { warmUpMs: Number(warmUp) } : {});
  const stats = summarize(exported.latencyMs);
  const wallMs =
    exported.wallMs ??
    (summary?.totalHostWalltimeS !== undefined
      ? summary.totalHostWalltimeS * 1000
      : exported.latencyMs.reduce((a, b) => a + b, 0));
  const mismatch = crossCheck(summary, stats, times.path);
  return { trial: { samples: exported.latencyMs, stats, wallMs }, ...(mismatch ? { mismatch } : {}) };
}

function trialFromSummary(summary: PerformanceSummary | undefined, src: string): Trial {
  if (!summary) {
    throw new DataError(
      `${src}: the log has no "=== Performance summary ===" and no --times was given: nothing to import`,
      src,
    );
  }
  const stats = statsFromSummary(summary, src);
  const wallS = summary.totalHostWalltimeS ?? summary.timing?.seconds;
  if (wallS === undefined)
    throw new DataError(`${src}: the summary has no Total Host Walltime; pass --times`, src);
  return { samples: [], stats, wallMs: wallS * 1000 };
}

export function importLatency(
  src: string,
  times: ImportFile | undefined,
  summary: PerformanceSummary | undefined,
  args: string[] | undefined,
): ImportedLatency {
  const incidents: Incident[] = [];
  let trial: Trial;
  let source: string;
  if (times) {
    const fromTimes = trialFromTimes(times, summary, args);
    trial = fromTimes.trial;
    source = `trtexec --exportTimes latencyMs (imported from ${basename(times.path)})`;
    if (fromTimes.mismatch) incidents.push(fromTimes.mismatch);
  } else {
    trial = trialFromSummary(summary, src);
    source = SUMMARY_SOURCE;
  }
  if (summary?.warnings.unstableCvPct !== undefined) {
    incidents.push({
      kind: 'unreliable-measurement',
      stage: 'benchmark',
      title: 'trtexec reports unstable GPU compute time',
      message: `"GPU compute time is unstable, with coefficient of variance = ${summary.warnings.unstableCvPct}%".`,
      nextSteps: [
        'Lock the GPU clocks (`nvidia-smi -lgc`) and use --useSpinWait on the machine that ran trtexec.',
      ],
    });
  }
  const qps =
    summary?.throughputQps ?? (trial.wallMs > 0 ? (trial.stats.count / trial.wallMs) * 1000 : undefined);
  if (qps === undefined)
    throw new DataError(`${src}: no throughput in the log and no timings to compute it from`, src);
  return { trial, source, incidents, qps };
}
