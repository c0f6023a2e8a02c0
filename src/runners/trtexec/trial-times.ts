/** One trial's samples from --exportTimes, cross-checked against the performance summary trtexec printed. */
import { readFile } from 'node:fs/promises';
import { summarize } from '../../stats/summary.js';
import { unreadable } from './incidents.js';
import type { Invocation } from './invoke.js';
import { parseExportTimes } from './parse/export-times.js';
import { strictNumber } from './parse/numbers.js';
import { type PerformanceSummary, parsePerformanceSummary } from './parse/performance-summary.js';
import { summaryDisagreement } from './summary-check.js';

export interface TrialTimes {
  samples: number[];
  wallMs?: number;
  /** How the summary disagrees with the samples (or why it could not be read). */
  disagreement?: string;
  /** trtexec's "GPU compute time is unstable" coefficient of variance, in percent. */
  unstableCvPct?: number;
}

/** The "GPU compute time is unstable" warning trtexec prints on stderr after its summary. */
function unstableWarning(stderr: string, logFile: string): number | undefined {
  const m = /\* GPU compute time is unstable, with coefficient of variance = (\S+?)%/.exec(stderr);
  if (!m) return undefined;
  try {
    return strictNumber(m[1], 'coefficient of variance', logFile);
  } catch {
    return undefined;
  }
}

export async function readTrialTimes(
  timesFile: string,
  run: Invocation,
  warmUpMs: number,
  logFile: string,
): Promise<TrialTimes> {
  let text: string;
  try {
    text = await readFile(timesFile, 'utf8');
  } catch (error) {
    throw unreadable(
      'benchmark',
      `trtexec wrote no --exportTimes file: ${(error as Error).message}`,
      logFile,
    );
  }
  let times: ReturnType<typeof parseExportTimes>;
  try {
    times = parseExportTimes(text, timesFile, { warmUpMs });
  } catch (error) {
    throw unreadable('benchmark', (error as Error).message, logFile);
  }
  let disagreement: string | undefined;
  let summary: PerformanceSummary | undefined;
  try {
    // The summary is read from stdout alone: its [W] lines go to stderr, and two pipes keep no order.
    summary = parsePerformanceSummary(run.stdout, logFile);
  } catch (error) {
    disagreement = `the performance summary could not be read: ${(error as Error).message}`;
  }
  if (summary) disagreement = summaryDisagreement(summary, summarize(times.latencyMs), 'exported queries');
  const unstableCvPct = summary?.warnings.unstableCvPct ?? unstableWarning(run.stderr, logFile);
  return {
    samples: times.latencyMs,
    ...(times.wallMs !== undefined
      ? { wallMs: times.wallMs }
      : summary?.totalHostWalltimeS !== undefined
        ? { wallMs: summary.totalHostWalltimeS * 1000 }
        : {}),
    ...(disagreement ? { disagreement } : {}),
    ...(unstableCvPct !== undefined ? { unstableCvPct } : {}),
  };
}
