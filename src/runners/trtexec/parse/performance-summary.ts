/**
 * The `=== Performance summary ===` block trtexec prints after timing (sampleReporting.cpp, printEpilog):
 *
 *   Throughput: 130.298 qps
 *   Latency: min = 5.38 ms, max = 13.3 ms, mean = 7.60 ms, median = 7.16 ms, percentile(90%) = 10.2 ms, ...
 *   Enqueue Time / H2D Latency / GPU Compute Time / D2H Latency: same shape
 *   Total Host Walltime: 3.00082 s
 *   Total GPU Compute Time: 2.96536 s
 *   [W] * Throughput may be bound by Enqueue Time rather than GPU Compute ...
 *   [W] * GPU compute time is unstable, with coefficient of variance = 5.55763%.
 *
 * 8.x prints one `percentile(99%)`; 10.x prints `percentile(90%)`, `(95%)` and `(99%)` (any `--percentile=`
 * list is honoured). The `=== Trace details ===` averages and the `Warmup completed` / `Timing trace has`
 * prolog that precede the block are read too. A block cut off mid-way yields what is there plus `missing`;
 * a field whose value is not followed by its unit (`median = 141.472` at the end of a cut line) is treated
 * as possibly truncated and reported missing rather than trusted.
 */
import { DataError } from '../../../errors.js';
import { findSection, type LogLine, parseLog, sectionTitle } from './log.js';
import { strictNumber } from './numbers.js';

export interface MetricSummary {
  min?: number;
  max?: number;
  mean?: number;
  median?: number;
  /** Keyed by the percentile as printed: `'99'`, `'90'`, `'99.9'`. */
  percentiles: Record<string, number>;
}

export type MetricKey = 'latency' | 'enqueue' | 'h2d' | 'gpuCompute' | 'd2h';

export interface TraceAverage {
  gpuLatencyMs: number;
  hostLatencyMs: number;
  enqueueMs: number;
  /** Only printed by old (7.x/8.0) trtexec. */
  endToEndMs?: number;
}

export interface PerformanceWarnings {
  enqueueBound: boolean;
  h2dBound: boolean;
  d2hBound: boolean;
  /** Coefficient of variance of GPU compute time in percent, when trtexec called it unstable. */
  unstableCvPct?: number;
}

export interface PerformanceSummary {
  throughputQps?: number;
  latency?: MetricSummary;
  enqueue?: MetricSummary;
  h2d?: MetricSummary;
  gpuCompute?: MetricSummary;
  d2h?: MetricSummary;
  totalHostWalltimeS?: number;
  totalGpuComputeS?: number;
  warnings: PerformanceWarnings;
  warmup?: { queries: number; ms: number };
  timing?: { queries: number; seconds: number };
  trace?: { runsPerAverage: number; averages: TraceAverage[] };
  /** Fields the block should have but did not (cut-off logs), e.g. `latency.median`, `gpuCompute`. */
  missing: string[];
  /** True when the block ends before it is complete. */
  truncated: boolean;
}

const METRICS: ReadonlyArray<[string, MetricKey]> = [
  ['Latency', 'latency'],
  ['Enqueue Time', 'enqueue'],
  ['H2D Latency', 'h2d'],
  ['GPU Compute Time', 'gpuCompute'],
  ['D2H Latency', 'd2h'],
];
const STAT_KEYS = ['min', 'max', 'mean', 'median'] as const;
const FIELD = /^(min|max|mean|median|percentile\((\d+(?:\.\d+)?)%\))\s*=?\s*(\S+?)(?:\s+(ms))?$/;

/** Parses the performance summary of a trtexec log; undefined when the log has none. */
export function parsePerformanceSummary(
  text: string,
  source = 'trtexec log',
): PerformanceSummary | undefined {
  const lines = parseLog(text);
  const start = findSection(lines, 'Performance summary');
  if (start < 0) return undefined;

  const result: PerformanceSummary = {
    warnings: { enqueueBound: false, h2dBound: false, d2hBound: false },
    missing: [],
    truncated: false,
  };
  readProlog(lines.slice(0, start), result, source);

  const partial = new Set<string>();
  let i = start + 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.text.trim();
    if (t === '') continue;
    if (sectionTitle(line) !== undefined || t.startsWith('&&&&') || t.startsWith('Explanations of the'))
      break;
    const where = `${source}: line ${line.lineNo}`;
    const isLast = i === lines.length - 1;

    let m = /^Throughput:\s*(\S+)(\s+qps)?$/.exec(t);
    if (m) {
      if (!m[2]) {
        if (!isLast) throw new DataError(`${where}: Throughput without a unit: ${JSON.stringify(t)}`, source);
        partial.add('throughputQps');
        continue;
      }
      result.throughputQps = strictNumber(m[1], 'Throughput', where, source);
      continue;
    }
    m = /^Total (Host Walltime|GPU Compute Time):\s*(\S+)(\s+s)?$/.exec(t);
    if (m) {
      const key = m[1] === 'Host Walltime' ? 'totalHostWalltimeS' : 'totalGpuComputeS';
      if (!m[3]) {
        if (!isLast)
          throw new DataError(`${where}: Total ${m[1]} without a unit: ${JSON.stringify(t)}`, source);
        partial.add(key);
        continue;
      }
      result[key] = strictNumber(m[2], `Total ${m[1]}`, where, source);
      continue;
    }
    const metric = METRICS.find(([label]) => t.startsWith(`${label}:`));
    if (metric) {
      const [label, key] = metric;
      result[key] = readMetric(t.slice(label.length + 1), label, key, { where, source }, partial);
      continue;
    }
    if (/^\* Throughput may be bound by Enqueue Time/.test(t)) result.warnings.enqueueBound = true;
    else if (/^\* Throughput may be bound by host-to-device/.test(t)) result.warnings.h2dBound = true;
    else if (/^\* Throughput may be bound by device-to-host/.test(t)) result.warnings.d2hBound = true;
    else {
      m = /^\* GPU compute time is unstable, with coefficient of variance = (\S+?)%/.exec(t);
      if (m) result.warnings.unstableCvPct = strictNumber(m[1], 'coefficient of variance', where, source);
    }
    // Other lines (warning continuations, unknown notes) are not part of the numbers.
  }

  const expected: Array<keyof PerformanceSummary> = ['throughputQps'];
  for (const [, key] of METRICS) expected.push(key);
  expected.push('totalHostWalltimeS', 'totalGpuComputeS');
  for (const key of expected) {
    if (result[key] === undefined) result.missing.push(key);
  }
  for (const p of partial) if (!result.missing.includes(p)) result.missing.push(p);
  result.truncated = result.missing.length > 0;
  return result;
}

function readMetric(
  body: string,
  label: string,
  key: MetricKey,
  at: { where: string; source: string },
  partial: Set<string>,
): MetricSummary {
  const { where, source } = at;
  const out: MetricSummary = { percentiles: {} };
  const pieces = body
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  pieces.forEach((piece, idx) => {
    const last = idx === pieces.length - 1;
    const m = FIELD.exec(piece);
    if (!m?.[4]) {
      // A cut line ends in a half-printed field; anywhere else an unknown field is a format we cannot read.
      if (last) return;
      throw new DataError(`${where}: ${label}: cannot read ${JSON.stringify(piece)}`, source);
    }
    const value = strictNumber(m[3], `${label} ${m[1]}`, where, source);
    if (m[2] !== undefined) out.percentiles[m[2]] = value;
    else out[m[1] as (typeof STAT_KEYS)[number]] = value;
  });
  for (const stat of STAT_KEYS) if (out[stat] === undefined) partial.add(`${key}.${stat}`);
  const lastPiece = pieces[pieces.length - 1] ?? '';
  const lastOk = FIELD.exec(lastPiece)?.[4] !== undefined;
  if (!lastOk) {
    // A field cut by the terminal (`percentile(99%) = 0.s`, `percentile(99%) s`): name what was lost.
    const named = /^(min|max|mean|median|percentile\((\d+(?:\.\d+)?)%\))/.exec(lastPiece);
    if (named?.[2] !== undefined) partial.add(`${key}.p${named[2]}`);
    else if (Object.keys(out.percentiles).length === 0) partial.add(`${key}.percentiles`);
  }
  return out;
}

function readProlog(lines: LogLine[], result: PerformanceSummary, source: string): void {
  for (const line of lines) {
    const t = line.text.trim();
    const where = `${source}: line ${line.lineNo}`;
    let m = /^Warmup completed (\S+) queries over (\S+) ms$/.exec(t);
    if (m) {
      result.warmup = {
        queries: strictNumber(m[1], 'warm-up queries', where, source),
        ms: strictNumber(m[2], 'warm-up ms', where, source),
      };
      continue;
    }
    m = /^Timing trace has (\S+) queries over (\S+) s$/.exec(t);
    if (m) {
      result.timing = {
        queries: strictNumber(m[1], 'timed queries', where, source),
        seconds: strictNumber(m[2], 'timing seconds', where, source),
      };
      continue;
    }
    m = /^Trace averages of (\S+) runs:$/.exec(t);
    if (m) {
      result.trace = { runsPerAverage: strictNumber(m[1], 'runs per average', where, source), averages: [] };
      continue;
    }
    m =
      /^Average on \S+ runs - GPU latency: (\S+) ms - Host latency: (\S+) ms \((?:end to end (\S+) ms, )?enqueue (\S+) ms\)$/.exec(
        t,
      );
    if (m && result.trace) {
      result.trace.averages.push({
        gpuLatencyMs: strictNumber(m[1], 'trace GPU latency', where, source),
        hostLatencyMs: strictNumber(m[2], 'trace host latency', where, source),
        enqueueMs: strictNumber(m[4], 'trace enqueue', where, source),
        ...(m[3] === undefined ? {} : { endToEndMs: strictNumber(m[3], 'trace end to end', where, source) }),
      });
    }
  }
}
