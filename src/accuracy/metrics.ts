import type { AccuracyMetrics } from '../results/schema.js';
import { accuracyMetricInfo } from './metric-table.js';

/** Candidate vs reference values of one output, one array per input sample (same length each). */
export interface OutputPair {
  reference: Float64Array[];
  candidate: Float64Array[];
  /** Shape of one sample's output, e.g. [batch, classes]. */
  dims: number[];
  /** Compute top-1/top-5 agreement over the last axis. */
  classifier: boolean;
}

export function countNonFinite(values: Float64Array[]): number {
  let n = 0;
  for (const arr of values) for (const v of arr) if (!Number.isFinite(v)) n++;
  return n;
}

function topK(row: Float64Array, k: number): number[] {
  const idx = Array.from(row.keys());
  idx.sort((a, b) => row[b]! - row[a]! || a - b);
  return idx.slice(0, k);
}

/**
 * Metrics of one output over all samples. Definitions:
 * - maxRelError: |c − r| / max(|r|, 1e-3 · max|r| over the output, 1e-12), so values near zero do
 *   not turn a tiny absolute error into an enormous relative one;
 * - cosine: per sample, then the minimum (the worst sample decides);
 * - top1Agreement: share of rows (batch rows × samples) whose argmax matches the reference;
 * - top5Agreement: share of rows whose reference top-1 class is in the candidate's top 5.
 * Callers must check for NaN/Inf first (countNonFinite): a non-finite output is a failure, not a number.
 */
export function outputMetrics(pair: OutputPair): AccuracyMetrics {
  const { reference, candidate } = pair;
  if (reference.length !== candidate.length || reference.length === 0) {
    throw new RangeError(
      `expected the same non-zero number of samples, got ${reference.length} and ${candidate.length}`,
    );
  }
  let refMaxAbs = 0;
  for (const r of reference) for (const v of r) refMaxAbs = Math.max(refMaxAbs, Math.abs(v));
  const relFloor = Math.max(1e-3 * refMaxAbs, 1e-12);

  let maxAbs = 0;
  let sumAbs = 0;
  let sumSq = 0;
  let maxRel = 0;
  let count = 0;
  let minCosine = 1;
  for (let s = 0; s < reference.length; s++) {
    const r = reference[s]!;
    const c = candidate[s]!;
    if (r.length !== c.length)
      throw new RangeError(`sample ${s}: ${c.length} values, reference has ${r.length}`);
    let dot = 0;
    let nr = 0;
    let nc = 0;
    for (let i = 0; i < r.length; i++) {
      const d = Math.abs(c[i]! - r[i]!);
      maxAbs = Math.max(maxAbs, d);
      sumAbs += d;
      sumSq += d * d;
      maxRel = Math.max(maxRel, d / Math.max(Math.abs(r[i]!), relFloor));
      dot += r[i]! * c[i]!;
      nr += r[i]! * r[i]!;
      nc += c[i]! * c[i]!;
    }
    count += r.length;
    const cosine = nr === 0 && nc === 0 ? 1 : nr === 0 || nc === 0 ? 0 : dot / Math.sqrt(nr * nc);
    minCosine = Math.min(minCosine, cosine);
  }
  const metrics: AccuracyMetrics = {
    maxAbsError: maxAbs,
    meanAbsError: count ? sumAbs / count : 0,
    mse: count ? sumSq / count : 0,
    maxRelError: maxRel,
    cosine: Math.min(1, minCosine),
  };
  if (pair.classifier) Object.assign(metrics, agreement(pair));
  return metrics;
}

function agreement(pair: OutputPair): { top1Agreement: number; top5Agreement: number } {
  const classes = pair.dims[pair.dims.length - 1] ?? 1;
  let rows = 0;
  let top1 = 0;
  let top5 = 0;
  for (let s = 0; s < pair.reference.length; s++) {
    const r = pair.reference[s]!;
    const c = pair.candidate[s]!;
    for (let start = 0; start + classes <= r.length; start += classes) {
      const refBest = topK(r.subarray(start, start + classes), 1)[0];
      const candTop = topK(c.subarray(start, start + classes), Math.min(5, classes));
      rows++;
      if (candTop[0] === refBest) top1++;
      if (candTop.includes(refBest!)) top5++;
    }
  }
  return { top1Agreement: rows ? top1 / rows : 1, top5Agreement: rows ? top5 / rows : 1 };
}

/** The worst value of each metric across outputs. */
export function worstOf(all: AccuracyMetrics[]): AccuracyMetrics | null {
  if (all.length === 0) return null;
  const worst: Record<string, number> = {};
  for (const m of all) {
    for (const [key, value] of Object.entries(m)) {
      if (value === undefined) continue;
      const prev = worst[key];
      if (prev === undefined) worst[key] = value;
      else
        worst[key] =
          accuracyMetricInfo(key)?.direction === 'higher' ? Math.min(prev, value) : Math.max(prev, value);
    }
  }
  return worst as unknown as AccuracyMetrics;
}
