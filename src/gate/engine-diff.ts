/**
 * The engine diff a comparison carries when latency moved and both sides have per-layer timings
 * (trtexec `profile: true` runs, imports with --profile): which layers changed and why.
 */
import { diffEngines } from '../engine-diff/diff.js';
import type { EngineDiff } from '../engine-diff/schema.js';
import { sideFromTimings } from '../engine-diff/side.js';
import type { Entry, MetricComparison } from '../results/schema.js';

/** Rows kept in a stored diff (largest time change first). */
export const ENGINE_DIFF_ROWS = 10;

export function engineDiffFor(
  metrics: readonly MetricComparison[],
  candidate: Entry,
  baseline: Entry | undefined,
): EngineDiff | undefined {
  if (!candidate.layers?.length || !baseline?.layers?.length) return undefined;
  const moved = metrics.some(
    (m) => m.metric.startsWith('latency.') && (m.verdict === 'regressed' || m.verdict === 'improved'),
  );
  if (!moved) return undefined;
  return diffEngines(
    sideFromTimings(baseline.layers, { tensorrt: baseline.key.runtime, device: baseline.key.device }),
    sideFromTimings(candidate.layers, { tensorrt: candidate.key.runtime, device: candidate.key.device }),
    { limit: ENGINE_DIFF_ROWS },
  );
}
