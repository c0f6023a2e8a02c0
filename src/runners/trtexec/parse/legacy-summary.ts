/**
 * The summary TensorRT 7.x trtexec printed (pre-8.0 printEpilog), with no `=== Performance summary ===`
 * header: one block per metric, a title line then one value per line (trtexec2 7.x fixture):
 *
 *   Host Latency
 *   min: 1.64058 ms (end to end 1.66368 ms)
 *   ...
 *   percentile: 1.67065 ms at 99% (end to end 3.03931 ms at 99%)
 *   throughput: 0 qps
 *   walltime: 3.00461 s
 *   Enqueue Time / H2D Latency / GPU Compute / D2H Latency: min/max/mean/median/percentile lines
 *
 * The result has the shape of the 8.x+ summary (PerformanceSummary); the end-to-end values in
 * parentheses are not latency and are not read. 7.x prints `throughput: 0 qps` for explicit-batch engines.
 */
import { parseLog } from './log.js';
import { strictNumber } from './numbers.js';
import type { MetricKey, MetricSummary, PerformanceSummary } from './performance-summary.js';

const BLOCKS: Record<string, MetricKey> = {
  'Host Latency': 'latency',
  'Enqueue Time': 'enqueue',
  'H2D Latency': 'h2d',
  'GPU Compute': 'gpuCompute',
  'GPU Compute Time': 'gpuCompute',
  'D2H Latency': 'd2h',
};

/** Parses a 7.x summary; undefined when the log has no `Host Latency` block. */
export function parseLegacySummary(text: string, source = 'trtexec log'): PerformanceSummary | undefined {
  const lines = parseLog(text);
  if (!lines.some((l) => l.text.trim() === 'Host Latency')) return undefined;
  const result: PerformanceSummary = {
    warnings: { enqueueBound: false, h2dBound: false, d2hBound: false },
    missing: [],
    truncated: false,
  };
  let block: MetricSummary | undefined;
  let key: MetricKey | undefined;
  for (const line of lines) {
    const t = line.text.trim();
    const where = `${source}: line ${line.lineNo}`;
    const title = BLOCKS[t];
    if (title) {
      key = title;
      block = { percentiles: {} };
      result[key] = block;
      continue;
    }
    if (!block || !key) continue;
    let m = /^(min|max|mean|median): (\S+) ms\b/.exec(t);
    if (m) {
      block[m[1] as 'min' | 'max' | 'mean' | 'median'] = strictNumber(m[2], `${key} ${m[1]}`, where, source);
      continue;
    }
    m = /^percentile: (\S+) ms at (\d+(?:\.\d+)?)%/.exec(t);
    if (m) {
      block.percentiles[m[2]!] = strictNumber(m[1], `${key} percentile`, where, source);
      continue;
    }
    m = /^throughput: (\S+) qps$/.exec(t);
    if (m) {
      result.throughputQps = strictNumber(m[1], 'throughput', where, source);
      continue;
    }
    m = /^walltime: (\S+) s$/.exec(t);
    if (m) result.totalHostWalltimeS = strictNumber(m[1], 'walltime', where, source);
  }
  for (const k of ['latency', 'enqueue', 'h2d', 'gpuCompute', 'd2h'] as const) {
    const b = result[k];
    if (!b) result.missing.push(k);
    else
      for (const s of ['min', 'max', 'mean', 'median'] as const)
        if (b[s] === undefined) result.missing.push(`${k}.${s}`);
  }
  for (const k of ['throughputQps', 'totalHostWalltimeS'] as const)
    if (result[k] === undefined) result.missing.push(k);
  result.truncated = result.missing.length > 0;
  return result;
}
