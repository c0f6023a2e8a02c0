import { ThresholdSpec } from '../../src/config/schema.js';
import { createRng, type Rng } from '../../src/gate/rng.js';
import type {
  AccuracyResult,
  BaselineKey,
  BuildInfo,
  Entry,
  LayerTiming,
  Results,
  Throughput,
} from '../../src/results/schema.js';
import { summarize } from '../../src/stats/summary.js';
import type { BaselineHistory } from '../../src/store/types.js';

/** n lognormal draws with the given median and log-scale sigma (Box–Muller). */
export function lognormal(rng: Rng, n: number, median: number, sigma: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rng.next();
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = median * Math.exp(sigma * r * Math.cos(2 * Math.PI * v));
    if (i + 1 < n) out[i + 1] = median * Math.exp(sigma * r * Math.sin(2 * Math.PI * v));
  }
  return out;
}

export interface TrialsInit {
  seed: number | string;
  trials?: number;
  samples?: number;
  median?: number;
  sigma?: number;
  /** Multiplier per trial (between-trial variation); default all 1. */
  trialFactors?: number[];
}

/** Latency samples per trial, reproducible from the seed. */
export function latencyTrials(init: TrialsInit): number[][] {
  const rng = createRng(init.seed);
  const trials = init.trialFactors?.length ?? init.trials ?? 3;
  return Array.from({ length: trials }, (_, t) =>
    lognormal(
      rng,
      init.samples ?? 2000,
      (init.median ?? 10) * (init.trialFactors?.[t] ?? 1),
      init.sigma ?? 0.05,
    ),
  );
}

export function makeKey(overrides: Partial<BaselineKey> = {}): BaselineKey {
  return {
    model: 'resnet',
    precision: 'fp16',
    batchSize: 1,
    runner: 'tensorrt',
    device: 'NVIDIA A100 (8.0)',
    runtime: 'tensorrt 10.3.0 / driver 550.54',
    optionsHash: 'opts-1',
    ...overrides,
  };
}

export interface EntryInit {
  key?: Partial<BaselineKey>;
  trials?: number[][];
  status?: Entry['status'];
  unreliable?: string;
  throughput?: Throughput;
  build?: Partial<BuildInfo>;
  accuracy?: Partial<AccuracyResult>;
  layers?: LayerTiming[];
  error?: Entry['error'];
}

/** A schema-valid Entry; stats are computed from the samples with the project's summarize(). */
export function makeEntry(init: EntryInit = {}): Entry {
  const key = makeKey(init.key);
  const entry: Entry = {
    id: `${key.model}/${key.precision}/b${key.batchSize}`,
    model: key.model,
    precision: key.precision,
    batchSize: key.batchSize,
    status: init.status ?? 'ok',
    key,
    incidents: [],
  };
  if (init.trials) {
    const trials = init.trials.map((samples) => ({ samples, stats: summarize(samples), wallMs: 1000 }));
    entry.latency = { unit: 'ms', trials, pooled: summarize(init.trials.flat()), source: 'synthetic' };
  }
  if (init.throughput) entry.throughput = init.throughput;
  if (init.build) {
    entry.build = {
      timeMs: 60_000,
      artifactPath: 'engine.plan',
      artifactBytes: 50_000_000,
      artifactSha256: 'a'.repeat(64),
      modelSha256: 'b'.repeat(64),
      cached: false,
      optionsHash: key.optionsHash,
      details: {},
      ...init.build,
    };
  }
  if (init.accuracy) {
    entry.accuracy = {
      reference: 'onnxruntime-fp32',
      samples: 16,
      outputs: [],
      worst: { maxAbsError: 0.01, meanAbsError: 0.001, mse: 1e-5, maxRelError: 0.02, cosine: 0.9999 },
      violations: [],
      passed: true,
      ...init.accuracy,
    };
  }
  if (init.unreliable !== undefined) entry.unreliable = init.unreliable;
  if (init.layers) entry.layers = init.layers;
  if (init.error) entry.error = init.error;
  return entry;
}

/** Runs oldest first, one per entry. */
export function makeHistory(entries: Entry[], key: BaselineKey = entries[0]!.key): BaselineHistory {
  return {
    key,
    runs: entries.map((entry, i) => ({
      runId: `run-${i}`,
      createdAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
      source: {},
      entry,
    })),
  };
}

export function makeResults(entries: Entry[], runId = 'run-candidate'): Results {
  return {
    schemaVersion: 1,
    tool: { name: 'trt-gate', version: '0.1.0' },
    runId,
    createdAt: '2025-02-01T00:00:00.000Z',
    source: {},
    environment: {
      runner: 'tensorrt',
      os: { platform: 'linux', release: '6.8', arch: 'x64' },
      host: { cpuModel: 'Xeon', cpuCores: 16, memoryBytes: 64e9 },
      node: 'v20.0.0',
      runtime: { name: 'tensorrt', version: '10.3.0' },
      device: { kind: 'gpu', name: 'NVIDIA A100', computeCapability: '8.0' },
      details: {},
    },
    config: {},
    entries,
  };
}

/** A parsed ThresholdSpec (defaults filled in). */
export function spec(input: unknown): ThresholdSpec {
  return ThresholdSpec.parse(input);
}

export const STATISTICAL = spec({ model: 'statistical' });
