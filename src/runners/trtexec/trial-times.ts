/** One trial's samples from --exportTimes, cross-checked against the performance summary trtexec printed. */
import { readFile } from 'node:fs/promises';
import { unreadable } from './incidents.js';
import type { Invocation } from './invoke.js';
import { parseExportTimes } from './parse/export-times.js';
import { strictNumber } from './parse/numbers.js';
import { type PerformanceSummary, parsePerformanceSummary } from './parse/performance-summary.js';

/** Summary and samples may differ by rounding (trtexec prints 6 significant digits), not by more. */
const CROSS_CHECK_TOLERANCE = 0.05;

export interface TrialTimes {
  samples: number[];
  wallMs?: number;
  /** How the summary disagrees with the samples (or why it could not be read). */
  disagreement?: string;
  /** trtexec's "GPU compute time is unstable" coefficient of variance, in percent. */
  unstableCvPct?: number;
}

function median(sorted: number[]): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
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

function summaryDisagreement(summary: PerformanceSummary, latencyMs: number[]): string | undefined {
  if (!summary.latency) return undefined;
  const sorted = [...latencyMs].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const checks: Array<[string, number | undefined, number]> = [
    ['mean', summary.latency.mean, mean],
    ['median', summary.latency.median, median(sorted)],
  ];
  const off = checks.filter(
    ([, printed, computed]) =>
      printed !== undefined &&
      Math.abs(printed - computed) > CROSS_CHECK_TOLERANCE * Math.max(Math.abs(computed), 1e-9),
  );
  if (off.length === 0) return undefined;
  return off
    .map(
      ([what, printed, computed]) =>
        `summary ${what} ${printed} ms vs ${computed.toPrecision(6)} ms from ${sorted.length} exported queries`,
    )
    .join(', ');
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
  if (summary) disagreement = summaryDisagreement(summary, times.latencyMs);
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
