/**
 * An imported log's latency: per-query samples from --times (cross-checked against the summary), else the
 * performance summary's own statistics. trtexec prints no standard deviation (and 8.x no p90/p95, 7.x no
 * query count): those are listed in `absent`, values a cut log lost in `missing`, and never filled in.
 */
import { basename } from 'node:path';
import { DataError } from '../errors.js';
import { SUMMARY_ONLY_SOURCE } from '../results/consistency.js';
import type { Incident, StatsSummary, Trial } from '../results/schema.js';
import { unstableIncident } from '../runners/trtexec/incidents.js';
import { parseExportTimes } from '../runners/trtexec/parse/export-times.js';
import type { PerformanceSummary } from '../runners/trtexec/parse/performance-summary.js';
import type { TrtVersion } from '../runners/trtexec/parse/version.js';
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
  /** Inferences per second as printed (or computed from --times); undefined when unknown. */
  qps?: number;
  absent: string[];
  missing: string[];
}

const OPTIONAL_STATS = ['count', 'p90', 'p95', 'p99', 'stddev', 'cv'] as const;

/** The summary's latency: what it printed, what it never prints (absent) and what was cut (missing). */
function statsFromSummary(
  summary: PerformanceSummary,
  source: string,
): { stats: StatsSummary; absent: string[]; missing: string[] } {
  const l = summary.latency;
  const cut = new Set(summary.missing);
  const required = { min: l?.min, max: l?.max, mean: l?.mean, median: l?.median };
  const lacking = Object.entries(required).filter(([, v]) => v === undefined);
  if (lacking.length > 0) {
    throw new DataError(
      `${source}: the performance summary has no latency ${lacking.map(([k]) => k).join(', ')}${summary.truncated ? ' (the log is cut)' : ''}; nothing to import without them`,
      source,
    );
  }
  const known: Record<(typeof OPTIONAL_STATS)[number], number | undefined> = {
    count: summary.timing?.queries,
    p90: l?.percentiles['90'],
    p95: l?.percentiles['95'],
    p99: l?.percentiles['99'],
    // trtexec prints no standard deviation of latency (only a CV of GPU compute time, when unstable).
    stddev: undefined,
    cv: undefined,
  };
  const absent: string[] = [];
  const missing: string[] = [];
  for (const key of OPTIONAL_STATS) {
    if (known[key] !== undefined) continue;
    (cut.has(`latency.${key}`) || (key !== 'count' && cut.has('latency.percentiles'))
      ? missing
      : absent
    ).push(key);
  }
  const stats = { ...(required as Record<string, number>) } as StatsSummary;
  for (const key of OPTIONAL_STATS) if (known[key] !== undefined) stats[key] = known[key];
  return { stats, absent, missing };
}

function crossCheck(summary: PerformanceSummary | undefined, stats: StatsSummary, times: string) {
  const disagreement = summaryDisagreement(summary, stats, `samples in ${times}`);
  if (!disagreement) return undefined;
  return {
    kind: 'unreliable-measurement',
    stage: 'benchmark',
    title: "The log's performance summary disagrees with the --times samples",
    message: `${disagreement}. Are both files from the same run? The samples are used.`,
    nextSteps: ['Import the log and the --exportTimes file of one and the same trtexec run.'],
  } satisfies Incident;
}

/**
 * TensorRT 8.0–8.4 write the warm-up queries into --exportTimes too (8.5+ do not); the legacy 7.x–8.2
 * field names say so by themselves. Dropped when the version says so or is unknown: on 8.5+ files the
 * rule drops nothing, since their queries start after the warm-up.
 */
function writesWarmup(version: TrtVersion | undefined): boolean {
  return !version || version.major < 8 || (version.major === 8 && version.minor < 5);
}

function trialFromTimes(
  times: ImportFile,
  summary: PerformanceSummary | undefined,
  args: string[] | undefined,
  version: TrtVersion | undefined,
) {
  const warmUp = flagValue(args, 'warmUp');
  const exported = parseExportTimes(times.text, times.path, {
    ...(warmUp ? { warmUpMs: Number(warmUp) } : {}),
    dropWarmup: writesWarmup(version),
  });
  const stats = summarize(exported.latencyMs);
  const wallMs =
    exported.wallMs ??
    (summary?.totalHostWalltimeS !== undefined ? summary.totalHostWalltimeS * 1000 : undefined);
  const mismatch = crossCheck(summary, stats, times.path);
  const trial: Trial = { samples: exported.latencyMs, stats, ...(wallMs !== undefined ? { wallMs } : {}) };
  return { trial, droppedWarmup: exported.droppedWarmup, ...(mismatch ? { mismatch } : {}) };
}

export function importLatency(
  src: string,
  times: ImportFile | undefined,
  summary: PerformanceSummary | undefined,
  args: string[] | undefined,
  version: TrtVersion | undefined,
): ImportedLatency {
  const incidents: Incident[] = [];
  let trial: Trial;
  let source: string;
  let absent: string[] = [];
  let missing: string[] = [];
  if (times) {
    const fromTimes = trialFromTimes(times, summary, args, version);
    trial = fromTimes.trial;
    source = `trtexec --exportTimes latencyMs (imported from ${basename(times.path)}${fromTimes.droppedWarmup ? `, ${fromTimes.droppedWarmup} warm-up queries dropped` : ''})`;
    if (fromTimes.mismatch) incidents.push(fromTimes.mismatch);
  } else {
    if (!summary) {
      throw new DataError(
        `${src}: the log has no performance summary and no --times was given: nothing to import`,
        src,
      );
    }
    const read = statsFromSummary(summary, src);
    ({ absent, missing } = read);
    const wallS = summary.totalHostWalltimeS ?? summary.timing?.seconds;
    trial = { samples: [], stats: read.stats, ...(wallS !== undefined ? { wallMs: wallS * 1000 } : {}) };
    source = SUMMARY_SOURCE;
  }
  if (summary?.warnings.unstableCvPct !== undefined)
    incidents.push(unstableIncident([summary.warnings.unstableCvPct], 1));
  const count = trial.stats.count;
  const computed =
    times && count !== undefined && trial.wallMs !== undefined && trial.wallMs > 0
      ? (count / trial.wallMs) * 1000
      : undefined;
  const qps = summary?.throughputQps ?? computed;
  return { trial, source, incidents, ...(qps !== undefined ? { qps } : {}), absent, missing };
}
