import { quantileSorted } from 'simple-statistics';
import { formatCosine } from '../report/format.js';
import { isKnownEntry, type KnownEntry, type Results } from '../results/schema.js';
import { mulberry32 } from '../util/prng.js';

/** A ratio with its bootstrap interval (95 %, percentile). */
export interface Ratio {
  value: number;
  interval: [number, number];
}

export interface SpeedupRow {
  model: string;
  precision: string;
  batchSize: number;
  device: string;
  /** What the ratios compare against: the fp32 entry of the same model and batch on this device. */
  reference: string;
  /** Reference p50 latency / this p50 latency: 2 means twice as fast. */
  latency: Ratio;
  /** This throughput / the reference throughput. */
  throughput: Ratio;
  cosine?: number;
  top1?: number;
}

const RESAMPLES = 2000;

/** Medians of each trial and the items/s of each trial: the units the bootstrap resamples. */
function trialUnits(entry: KnownEntry): { medians: number[]; rates: number[] } | undefined {
  const trials = entry.latency?.trials;
  // An imported summary may lack a trial's wall time: no throughput to compare then.
  if (!trials?.length || trials.some((t) => !(t.wallMs && t.wallMs > 0))) return undefined;
  return {
    medians: trials.map((t) => t.stats.median),
    rates: trials.map((t) => (t.samples.length * entry.batchSize * 1000) / t.wallMs!),
  };
}

function resampledMean(values: readonly number[], next: () => number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[Math.floor(next() * values.length)]!;
  return sum / values.length;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * ratio(mean of a's trials, mean of b's trials) with an interval from resampling each side's
 * trials independently: trials, not samples, are the independent units on a machine whose speed
 * shifts in bursts. Seeded, so a report renders the same every time.
 */
export function bootstrapRatio(a: readonly number[], b: readonly number[], seed: number): Ratio {
  const next = mulberry32(seed);
  const ratios = new Float64Array(RESAMPLES);
  for (let r = 0; r < RESAMPLES; r++) ratios[r] = resampledMean(a, next) / resampledMean(b, next);
  const sorted = Array.from(ratios.sort());
  return {
    value: mean(a) / mean(b),
    interval: [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)],
  };
}

/**
 * Per device, every precision against the fp32 entry of the same model and batch size. With the
 * onnxruntime runner that entry is the ONNX model in ONNX Runtime on the same machine; with
 * trtexec it is the fp32 engine (the ONNX Runtime reference is run for accuracy, not timed).
 */
export function speedups(list: readonly Results[]): SpeedupRow[] {
  const rows: SpeedupRow[] = [];
  for (const results of list) {
    const ok = results.entries.filter(
      (e): e is KnownEntry => isKnownEntry(e) && e.status === 'ok' && e.latency !== undefined,
    );
    for (const entry of ok) {
      const ref = ok.find(
        (e) => e.model === entry.model && e.batchSize === entry.batchSize && e.precision === 'fp32',
      );
      const a = trialUnits(entry);
      const r = ref && trialUnits(ref);
      if (!ref || !a || !r) continue;
      const seed = [...entry.id].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);
      rows.push({
        model: entry.model,
        precision: entry.precision,
        batchSize: entry.batchSize,
        device: results.environment.device.name,
        reference: ref.key.runner === 'onnxruntime' ? 'fp32 ONNX model in ONNX Runtime' : 'fp32 engine',
        latency: bootstrapRatio(r.medians, a.medians, seed),
        throughput: bootstrapRatio(a.rates, r.rates, seed + 1),
        ...(entry.accuracy?.worst ? { cosine: entry.accuracy.worst.cosine } : {}),
        ...(entry.accuracy?.worst?.top1Agreement !== undefined
          ? { top1: entry.accuracy.worst.top1Agreement }
          : {}),
      });
    }
  }
  return rows;
}

/** `int8: 3.1× faster [2.9, 3.3], cosine 0.9991, top-1 99.2 %` */
export function speedupLine(row: SpeedupRow): string {
  const x = (v: number) => `${v.toFixed(v >= 10 ? 0 : v >= 1 ? 2 : 3)}`;
  const [lo, hi] = row.latency.interval;
  const word = row.latency.value >= 1 ? 'faster' : '(slower)';
  const parts = [`${row.precision}: ${x(row.latency.value)}× ${word} [${x(lo)}, ${x(hi)}]`];
  if (row.cosine !== undefined) parts.push(`cosine ${formatCosine(row.cosine)}`);
  if (row.top1 !== undefined) parts.push(`top-1 ${(row.top1 * 100).toFixed(1)} %`);
  return parts.join(', ');
}

/** Terminal lines per model and batch: every non-fp32 precision against the fp32 reference. */
export function speedupText(results: Results): string | undefined {
  const rows = speedups([results]).filter((r) => r.precision !== 'fp32');
  if (rows.length === 0) return undefined;
  const groups = new Map<string, SpeedupRow[]>();
  for (const row of rows) {
    const key = `${row.model} b${row.batchSize} vs ${row.reference}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups]
    .map(([key, group]) => [`speed-up of ${key}:`, ...group.map((r) => `  ${speedupLine(r)}`)].join('\n'))
    .join('\n');
}
