/**
 * `trt-gate import trtexec --log F` and no other flag, on every real log of trtexec2/truth.json: the
 * numbers and failure classes a person read in each file.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importLatency } from '../../src/import/trtexec-latency.js';
import { parseVersionString } from '../../src/runners/trtexec/parse/version.js';
import { tempDir } from '../helpers/tiny-config.js';
import {
  KIND_OF_CLASS,
  type Stats,
  TRUTH,
  TRUTH_DIR,
  type TruthCase,
  truthFile,
} from '../runners/trtexec/truth.js';
import { importCli } from './cli.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-import-truth-'));
});
afterEach(async () => {
  await cleanup();
});

const importLog = (file: string) => importCli(dir, ['--log', join(TRUTH_DIR, file)]);

const logs = TRUTH.filter((c) => c.kind === 'log');
const withSummary = logs.filter(
  (c) => c.status === 'success' && c.throughputQps !== null && c.throughputQps !== undefined,
);
const failures = logs.filter((c) => c.status === 'failure');

/** truth.json took this batch size from the heading of the source ("### Static batch=1"), not the log. */
const BATCH_NOT_IN_LOG = new Set(['trt8.4-yolov7-static-b1-nodatatransfers-perf-summary.log']);

/** The precision truth.json says the log proves (not "not provable", not the model's own types). */
function provenPrecision(c: TruthCase & { precision?: string | null }): string {
  const m = /^(fp32|fp16|bf16|int8)\b/.exec(c.precision ?? '');
  return m && !/not provable/.test(c.precision ?? '') ? m[1]! : 'unknown';
}

function expectStats(actual: Record<string, unknown> | undefined, expected: Stats | undefined) {
  for (const [key, value] of Object.entries(expected ?? {})) {
    const field = key === 'median' ? 'median' : key;
    expect(actual?.[field], key).toBe(value);
  }
}

describe('import of every real trtexec2 log with a performance summary, with --log alone', () => {
  it('covers the eight logs with a summary', () => {
    expect(withSummary.map((c) => c.file)).toHaveLength(8);
  });

  it.each(withSummary.map((c) => [c.file, c] as const))('%s', async (file, c) => {
    const r = await importLog(file);
    expect(r.code, r.stderr).toBe(0);
    const results = r.results!;
    const entry = results.entries[0]!;
    expect(entry.status).toBe('ok');
    const latency = entry.latency!;
    expect(latency.trials[0]!.samples).toEqual([]);
    expect(latency.absent).toEqual(expect.arrayContaining(['stddev', 'cv']));
    const { p90, p95, p99, ...plain } = c.latencyMs!;
    expectStats(latency.pooled, {
      ...plain,
      ...(p90 !== undefined ? { p90 } : {}),
      ...(p95 !== undefined ? { p95 } : {}),
      ...(p99 !== undefined ? { p99 } : {}),
    });
    if (p90 === undefined) expect(latency.absent).toContain('p90');
    expect(latency.pooled.count).toBe(c.timedQueries);

    const summary = results.environment.details.summary as {
      throughputQps?: number;
      totalHostWalltimeS?: number;
      gpuComputeMs?: {
        min?: number;
        max?: number;
        mean?: number;
        median?: number;
        percentiles: Record<string, number>;
      };
      enqueueBound?: boolean;
      missing?: string[];
    };
    expect(summary.throughputQps).toBe(c.throughputQps);
    expect(summary.totalHostWalltimeS).toBe(c.totalHostWalltimeS);
    if (c.gpuComputeMs) {
      const { p90: g90, p95: g95, p99: g99, ...g } = c.gpuComputeMs;
      expectStats(summary.gpuComputeMs, g);
      expect(summary.gpuComputeMs!.percentiles).toEqual({
        ...(g90 !== undefined ? { '90': g90 } : {}),
        ...(g95 !== undefined ? { '95': g95 } : {}),
        ...(g99 !== undefined ? { '99': g99 } : {}),
      });
    }
    expect(summary.enqueueBound ?? false).toBe((c as { enqueueBound?: boolean }).enqueueBound ?? false);

    // Versions read from an issue or PR title are not in the log: the import says unknown.
    const inLog = /banner|TensorRT version/.test((c as { versionEvidence?: string }).versionEvidence ?? '');
    expect(results.environment.runtime.version).toBe(inLog ? c.tensorrtVersion : 'unknown');
    expect(results.environment.device.name).toBe(c.computeCapability ? c.device : 'unknown');
    expect(results.environment.device.computeCapability).toBe(c.computeCapability ?? undefined);
    expect(entry.precision).toBe(provenPrecision(c));
    expect(entry.batchSize).toBe(BATCH_NOT_IN_LOG.has(file) ? 'unknown' : (c.batchSize ?? 'unknown'));
    if (c.unstableCvPct !== undefined) {
      const unstable = entry.incidents.find((i) => i.title === 'trtexec reports unstable GPU compute time');
      expect(unstable!.message).toContain(`${c.unstableCvPct}%`);
    }
  });

  it('says which values a terminal cut short, and reads none of them as a number', async () => {
    const r = await importLog('trt8.5.2-xavier-agx-perf-summary-terminal-truncated.log');
    const summary = r.results!.environment.details.summary as {
      missing: string[];
      gpuComputeMs: { percentiles: Record<string, number> };
    };
    expect(summary.missing).toEqual(
      expect.arrayContaining(['enqueue.p99', 'h2d.p99', 'gpuCompute.p99', 'd2h.median']),
    );
    expect(summary.gpuComputeMs.percentiles['99']).toBeUndefined();
  });

  it('keeps the numbers of the run that printed PASSED and then segfaulted, with a crash incident', async () => {
    const r = await importLog('trt10.0.1-perf-summary-cv43-passed-then-segfault.log');
    const crash = r.results!.entries[0]!.incidents.find((i) => i.kind === 'crash');
    expect(crash).toMatchObject({
      title: 'trtexec crashed at exit after PASSED',
      logExcerpt: '段错误 (核心已转储)',
    });
  });

  it('reads the 7.x layout, and does not take its "throughput: 0 qps" as a throughput', async () => {
    const r = await importLog('trt7.x-old-format-host-latency-throughput-zero.log');
    const entry = r.results!.entries[0]!;
    expect(entry.throughput).toBeUndefined();
    expect(entry.latency!.pooled.p99).toBe(1.67065);
  });

  it('imports a build-only log (--skipInference) as an ok entry with its build facts and no timings', async () => {
    const r = await importLog('trt11.0.0-b200-stronglytyped-build-skipinference.log');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('build only, no timings');
    const entry = r.results!.entries[0]!;
    expect(entry).toMatchObject({ status: 'ok', incidents: [] });
    expect(entry.latency).toBeUndefined();
    const details = r.results!.environment.details;
    expect(details.buildOnly).toContain('--skipInference');
    expect(details.build).toMatchObject({
      engineBuiltSec: 5.6446,
      engineGenerationSec: 5.09824,
      engineSizeMiB: 12.627,
    });
    // 11.x defaults, as its Inference Options echo prints them.
    expect(details.measurement).toEqual({ dataTransfers: false, spinWait: true, cudaGraph: true });
  });

  it('records the measurement mode the log echoes (10.x defaults), and unknown when it shows none', async () => {
    const v10 = await importLog('trt10.16.1-onnx-default-build-and-run.log');
    expect(v10.results!.environment.details.measurement).toEqual({
      dataTransfers: true,
      spinWait: false,
      cudaGraph: false,
    });
    const fragment = await importLog('trt8.5.2-xavier-agx-perf-summary-terminal-truncated.log');
    expect(fragment.results!.environment.details.measurement).toMatch(/^unknown/);
  });
});

describe('import of every real trtexec2 failure, with --log alone', () => {
  it.each(failures.map((c) => [c.file, c] as const))('%s', async (file, c) => {
    const r = await importLog(file);
    expect(r.code, r.stderr).toBe(3);
    const entry = r.results!.entries[0]!;
    expect(entry.status).toBe('failed');
    expect(entry.incidents[0]!.kind).toBe(KIND_OF_CLASS[c.failureClass!]);
    expect(entry.error!.stage).toBe(c.stage ?? 'build');
    expect(entry.latency).toBeUndefined();
  });
});

describe('--exportTimes of TensorRT 8.0-8.4 (warm-up queries included)', () => {
  const a100 = TRUTH.find((c) => c.kind === 'exportTimes')! as TruthCase & {
    entries: number;
    warmupEntries: number;
  };
  const times = { path: 'a100-exportTimes.json', text: truthFile(a100.file) };

  it('drops the warm-up queries of an 8.4 file with the current field names', () => {
    const v84 = parseVersionString('8.4.0');
    const l = importLatency('a100.log', times, undefined, undefined, v84);
    expect(l.trial.samples).toHaveLength(a100.timedQueries!);
    expect(l.trial.stats.min).toBe(a100.latencyMs!.min);
    expect(l.trial.stats.median).toBeCloseTo(a100.latencyMs!.median!, 5);
    expect(l.source).toContain(`${a100.warmupEntries} warm-up queries dropped`);
  });

  it('keeps every query of an 8.5+ file', () => {
    const l = importLatency('a100.log', times, undefined, undefined, parseVersionString('8.5.1'));
    expect(l.trial.samples).toHaveLength(a100.entries);
  });
});
