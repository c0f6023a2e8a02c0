import { writeFile } from 'node:fs/promises';
import { type Entry, Results } from '../../../src/results/schema.js';
import { pool, summarize } from '../../../src/stats/summary.js';

export interface BenchOptions {
  runId: string;
  createdAt?: string;
  device?: string;
  /** Latency multiplier over the base: 1 = the baseline, 1.6 = a 60 % regression. */
  scale?: number;
  models?: string[];
  sha?: string;
}

/** Deterministic jitter in [-1, 1]. */
function jitter(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

function entry(model: string, device: string, scale: number, seed: number): Entry {
  const base = 1 + seed * 0.25;
  const trials = [0, 1, 2].map((t) => {
    const samples = Array.from(
      { length: 200 },
      (_, i) => base * scale * (1 + 0.01 * jitter(seed * 1000 + t * 200 + i)),
    );
    const wallMs = samples.reduce((a, b) => a + b, 0);
    return { samples, stats: summarize(samples), wallMs };
  });
  const wall = trials.reduce((a, t) => a + t.wallMs, 0);
  return {
    id: `${model}/fp16/b1`,
    model,
    precision: 'fp16',
    batchSize: 1,
    status: 'ok',
    key: {
      model,
      precision: 'fp16',
      batchSize: 1,
      runner: 'trtexec',
      device,
      runtime: 'tensorrt 10.3.0 / driver 550.54',
      optionsHash: 'opts-1',
    },
    latency: {
      unit: 'ms',
      trials,
      pooled: summarize(pool(trials.map((t) => t.samples))),
      source: 'trtexec latencyMs',
    },
    throughput: { inferencesPerSec: (600 / wall) * 1000, itemsPerSec: (600 / wall) * 1000 },
    incidents: [],
  };
}

/** A results document as a GPU matrix job would upload it (validated by the zod schema). */
export function benchResults(options: BenchOptions): Results {
  const device = options.device ?? 'NVIDIA A10G (sm 8.6)';
  const models = options.models ?? ['tinycnn'];
  return Results.parse({
    schemaVersion: 1,
    tool: { name: 'trt-gate', version: '0.1.0' },
    runId: options.runId,
    createdAt: options.createdAt ?? '2025-03-01T10:00:00.000Z',
    source: { sha: options.sha, ref: 'refs/heads/main', event: 'push' },
    environment: {
      runner: 'trtexec',
      os: { platform: 'linux', release: '6.1', arch: 'x64' },
      host: { cpuModel: 'AMD EPYC', cpuCores: 16, memoryBytes: 64e9 },
      node: 'v20.0.0',
      runtime: { name: 'tensorrt', version: '10.3.0' },
      device: {
        kind: 'gpu',
        name: device.replace(/ \(sm .*\)$/, ''),
        computeCapability: '8.6',
        driver: '550.54',
      },
    },
    config: {},
    entries: models.map((m, i) => entry(m, device, options.scale ?? 1, i + 1)),
  });
}

export async function writeJson(path: string, value: unknown): Promise<string> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

/**
 * `results` carrying a made-up same-job A/B comparison that calls its first entry `unchanged`,
 * whatever was measured: what a fork's own workflow could upload.
 */
export function withForgedPair(results: Results): Results {
  const entry = results.entries[0]!;
  return {
    ...results,
    comparisons: [
      {
        entryId: entry.id,
        model: entry.model,
        precision: entry.precision,
        batchSize: entry.batchSize,
        device: entry.key.device,
        verdict: 'unchanged',
        reason: 'made up',
        baselineRuns: 0,
        metrics: [],
        method: 'ab',
        ab: {
          base: 'git main',
          pairs: 40,
          blockIterations: 50,
          discardedRounds: 0,
          discardReasons: [],
          aaDeltaPct: 0,
          aaIntervalPct: [-1, 1],
          aaNoisePct: 1,
          thresholdPct: 5,
          timeToVerdictMs: 1000,
          stoppedAtMs: 1000,
          stopped: 'settled',
          notes: [],
        },
      },
    ],
  };
}
