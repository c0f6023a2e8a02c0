import { summarize } from '../stats/summary.js';
import type { Entry, LatencyResult, Results, StatsSummary } from './schema.js';

/**
 * Cross-checks the numbers a results file states against the samples it carries, so a file whose
 * summary was edited or corrupted (a pooled median of 150 over samples near 0.15, `count: 40` over
 * an empty array) is refused on read instead of being judged. Samples may be absent only where the
 * producer declared it (a trtexec log imported without per-query times).
 */

/** `latency.source` of a run that has statistics but no per-query samples (e.g. an imported log). */
export const SUMMARY_ONLY_SOURCE = 'trtexec performance summary (no per-query samples)';

/** Stored numbers are the computed ones round-tripped through JSON: anything past this is not rounding. */
const RELATIVE_TOLERANCE = 1e-6;

function agrees(stated: number, computed: number): boolean {
  return Math.abs(stated - computed) <= RELATIVE_TOLERANCE * Math.max(Math.abs(computed), 1e-12);
}

function statsProblems(stated: StatsSummary, samples: readonly number[], where: string): string[] {
  if (samples.some((s) => !Number.isFinite(s))) return [`${where}: a sample is not a finite number`];
  const computed = summarize(samples);
  const out: string[] = [];
  if (stated.count !== computed.count) {
    out.push(`${where}.count is ${stated.count} but there are ${computed.count} samples`);
  }
  for (const field of ['median', 'mean', 'min', 'max', 'p99'] as const) {
    const value = stated[field];
    // Optional statistics are absent only from summaries without samples, never beside samples.
    if (value === undefined) {
      out.push(`${where}.${field} is absent although there are ${computed.count} samples`);
    } else if (!agrees(value, computed[field])) {
      out.push(
        `${where}.${field} is ${stated[field]} but the samples give ${computed[field].toPrecision(6)}`,
      );
    }
  }
  return out;
}

function latencyProblems(latency: LatencyResult, where: string): string[] {
  const empty = latency.trials.filter((t) => t.samples.length === 0).length;
  if (empty > 0) {
    if (latency.source !== SUMMARY_ONLY_SOURCE || empty !== latency.trials.length) {
      return [
        `${where}: ${empty} of ${latency.trials.length} trial(s) have no samples although the source ` +
          `("${latency.source}") does not say the run has none`,
      ];
    }
    // A summary that does not print its query count (7.x, 8.x without the trace prolog) cannot be checked.
    const counts = latency.trials.map((t) => t.stats.count);
    if (latency.pooled.count === undefined && counts.every((c) => c === undefined)) return [];
    const total = counts.reduce<number>((n, c) => n + (c ?? Number.NaN), 0);
    return total === latency.pooled.count
      ? []
      : [`${where}.pooled.count is ${latency.pooled.count} but the trials count ${total}`];
  }
  const out = latency.trials.flatMap((t, i) =>
    statsProblems(t.stats, t.samples, `${where}.trials[${i}].stats`),
  );
  out.push(
    ...statsProblems(
      latency.pooled,
      latency.trials.flatMap((t) => t.samples),
      `${where}.pooled`,
    ),
  );
  return out;
}

/** Problems of one entry, each naming its field; empty when its numbers agree with its samples. */
export function entryInconsistencies(entry: Entry, where: string): string[] {
  return entry.latency ? latencyProblems(entry.latency, `${where}.latency`) : [];
}

export function resultsInconsistencies(results: Results): string[] {
  return results.entries.flatMap((e, i) => entryInconsistencies(e, `entries[${i}]`));
}
