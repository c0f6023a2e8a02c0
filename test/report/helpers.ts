import type { Precision, Verdict } from '../../src/config/schema.js';
import {
  type AccuracyResult,
  type Entry,
  type EntryComparison,
  type GateOutcome,
  type Incident,
  type LayerDelta,
  type MetricComparison,
  RESULTS_SCHEMA_VERSION,
  Results,
} from '../../src/results/schema.js';
import { summarize } from '../../src/stats/summary.js';

/** Deterministic pseudo-random numbers in [0, 1) (a small LCG), so fixtures never change. */
export function rng(seed = 1): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface SampleOptions {
  count?: number;
  /** Median latency in ms. */
  median?: number;
  /** Relative jitter around the median (uniform ± jitter). */
  jitter?: number;
  /** Every `spikeEvery`-th sample is multiplied by `spikeFactor`. */
  spikeEvery?: number;
  spikeFactor?: number;
  seed?: number;
}

export function samples(options: SampleOptions = {}): number[] {
  const { count = 200, median = 2, jitter = 0.02, spikeEvery = 0, spikeFactor = 5, seed = 1 } = options;
  const next = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const base = median * (1 + (next() * 2 - 1) * jitter);
    return spikeEvery > 0 && i % spikeEvery === spikeEvery - 1 ? base * spikeFactor : base;
  });
}

export interface EntryOptions {
  model?: string;
  precision?: Precision;
  batchSize?: number;
  /** One array per trial; omit for an entry without latency (e.g. a failed build). */
  trials?: number[][] | null;
  accuracy?: AccuracyResult;
  incidents?: Incident[];
  unreliable?: string;
  status?: Entry['status'];
  error?: Entry['error'];
  device?: string;
}

export function entryId(model: string, precision: string, batchSize: number): string {
  return `${model}/${precision}/b${batchSize}`;
}

export function makeEntry(options: EntryOptions = {}): Entry {
  const model = options.model ?? 'resnet50';
  const precision = options.precision ?? 'fp16';
  const batchSize = options.batchSize ?? 1;
  const trials = options.trials === undefined ? [samples({ seed: 1 }), samples({ seed: 2 })] : options.trials;
  const entry: Entry = {
    id: entryId(model, precision, batchSize),
    model,
    precision,
    batchSize,
    status: options.status ?? 'ok',
    key: {
      model,
      precision,
      batchSize,
      runner: 'onnxruntime',
      device: options.device ?? 'Test CPU',
      runtime: 'onnxruntime 1.30.0',
      optionsHash: 'abc123',
    },
    incidents: options.incidents ?? [],
  };
  if (trials) {
    const pooled = summarize(trials.flat());
    entry.latency = {
      unit: 'ms',
      trials: trials.map((t) => ({ samples: t, stats: summarize(t), wallMs: t.reduce((a, b) => a + b, 0) })),
      pooled,
      source: 'session.run',
    };
    entry.throughput = {
      inferencesPerSec: 1000 / pooled.mean,
      itemsPerSec: (1000 / pooled.mean) * batchSize,
    };
  }
  if (options.accuracy) entry.accuracy = options.accuracy;
  if (options.unreliable) entry.unreliable = options.unreliable;
  if (options.error) entry.error = options.error;
  return entry;
}

export function passingAccuracy(): AccuracyResult {
  const metrics = {
    maxAbsError: 0.001,
    meanAbsError: 0.0001,
    mse: 1e-8,
    maxRelError: 0.01,
    cosine: 0.99993,
    top1Agreement: 1,
  };
  return {
    reference: 'onnxruntime-fp32',
    samples: 16,
    outputs: [{ name: 'logits', dims: [1, 1000], nonFinite: 0, metrics }],
    worst: metrics,
    violations: [],
    passed: true,
  };
}

/** An int8 result that misses the default int8 limits (cosine ≥ 0.99, top-1 ≥ 0.9). */
export function failingInt8Accuracy(): AccuracyResult {
  const metrics = {
    maxAbsError: 0.9,
    meanAbsError: 0.12,
    mse: 0.02,
    maxRelError: 3,
    cosine: 0.9812,
    top1Agreement: 0.8125,
  };
  return {
    reference: 'onnxruntime-fp32',
    samples: 16,
    outputs: [{ name: 'logits', dims: [1, 1000], nonFinite: 0, metrics }],
    worst: metrics,
    violations: [
      {
        output: 'logits',
        metric: 'cosine',
        value: 0.9812,
        limit: { min: 0.99 },
        message: 'cosine 0.9812 < 0.99',
      },
      {
        output: 'logits',
        metric: 'top1Agreement',
        value: 0.8125,
        limit: { min: 0.9 },
        message: 'top1Agreement 0.8125 < 0.9',
      },
    ],
    passed: false,
  };
}

export interface MetricOptions {
  baseline: number;
  deltaPct: number;
  interval?: [number, number];
  verdict?: Verdict;
  reason?: string;
}

export function metric(name: string, m: MetricOptions): MetricComparison {
  return {
    metric: name,
    direction: name === 'throughput' ? 'higher' : 'lower',
    threshold: {
      model: 'statistical',
      minEffectPct: 5,
      confidence: 0.99,
      resamples: 2000,
      assumedRunNoisePct: 5,
    },
    baseline: m.baseline,
    candidate: m.baseline * (1 + m.deltaPct / 100),
    deltaPct: m.deltaPct,
    ...(m.interval ? { intervalPct: m.interval } : {}),
    verdict: m.verdict ?? 'unchanged',
    reason: m.reason ?? `${name} within noise`,
  };
}

export interface ComparisonOptions {
  verdict: Verdict;
  reason?: string;
  metrics?: MetricComparison[];
  layers?: LayerDelta[];
  baselineRuns?: number;
}

export function makeComparison(entry: Entry, options: ComparisonOptions): EntryComparison {
  return {
    entryId: entry.id,
    model: entry.model,
    precision: entry.precision,
    batchSize: entry.batchSize,
    device: entry.key.device,
    verdict: options.verdict,
    reason: options.reason ?? `verdict ${options.verdict}`,
    baselineRuns: options.baselineRuns ?? 5,
    metrics: options.metrics ?? [],
    ...(options.layers ? { layers: options.layers } : {}),
  };
}

export interface ResultsOptions {
  entries: Entry[];
  comparisons?: EntryComparison[];
  gate?: GateOutcome;
  device?: string;
  deviceKind?: 'cpu' | 'gpu';
  runId?: string;
  source?: Results['source'];
}

/** A Results object, parsed by the zod schema (so an invalid fixture fails loudly). */
export function makeResults(options: ResultsOptions): Results {
  const device = options.device ?? 'Test CPU';
  const raw = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'trt-gate', version: '0.1.0' },
    runId: options.runId ?? 'run-1',
    createdAt: '2026-02-21T10:00:00.000Z',
    source: options.source ?? {
      sha: '0123456789abcdef0123456789abcdef01234567',
      ref: 'refs/pull/7/merge',
      event: 'pull_request',
    },
    environment: {
      runner: 'onnxruntime',
      os: { platform: 'linux', release: '6.8.0', arch: 'x64' },
      host: { cpuModel: 'Test CPU', cpuCores: 4, memoryBytes: 16 * 2 ** 30 },
      node: 'v20.19.0',
      runtime: { name: 'onnxruntime', version: '1.30.0' },
      device: { kind: options.deviceKind ?? 'cpu', name: device },
      details: {},
    },
    config: {},
    entries: options.entries,
    ...(options.comparisons ? { comparisons: options.comparisons } : {}),
    ...(options.gate ? { gate: options.gate } : {}),
  };
  const parsed = Results.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`fixture is not valid Results: ${JSON.stringify(parsed.error.issues, null, 2)}`);
  }
  return parsed.data;
}

export function gate(conclusion: GateOutcome['conclusion'], comparisons: EntryComparison[]): GateOutcome {
  const failOn: Verdict[] = ['regressed', 'failed'];
  const counts: GateOutcome['counts'] = {};
  for (const c of comparisons) counts[c.verdict] = (counts[c.verdict] ?? 0) + 1;
  return {
    conclusion,
    failOn,
    counts,
    failing: comparisons.filter((c) => failOn.includes(c.verdict)).map((c) => c.entryId),
  };
}

export const EVIL_NAME = 'foo|bar @octocat <img src=x onerror=alert(1)> [x](http://e) **b**';

/** A mixed run: a regression, an int8 accuracy failure, an improvement, an unchanged entry, a failed build. */
export function mixedResults(options: { model?: string; device?: string; runId?: string } = {}): Results {
  const model = options.model ?? 'resnet50';
  const unchanged = makeEntry({ model, precision: 'fp32', accuracy: passingAccuracy() });
  const improved = makeEntry({ model, precision: 'fp16', accuracy: passingAccuracy() });
  const regressed = makeEntry({
    model,
    precision: 'fp16',
    batchSize: 8,
    trials: [samples({ median: 5, seed: 3 }), samples({ median: 5, seed: 4 })],
  });
  const int8 = makeEntry({ model, precision: 'int8', accuracy: failingInt8Accuracy() });
  const failed = makeEntry({
    model,
    precision: 'bf16',
    trials: null,
    status: 'failed',
    error: { stage: 'build', message: 'builder failed' },
    incidents: [
      {
        kind: 'engine-build-failure',
        stage: 'build',
        title: 'Engine build failed',
        message: 'trtexec exited with code 1',
        logExcerpt: '[E] [TRT] ModelImporter.cpp:771: ERROR: ```oops``` @octocat <script>alert(1)</script>',
        nextSteps: [],
      },
    ],
  });
  const comparisons = [
    makeComparison(unchanged, {
      verdict: 'unchanged',
      reason: 'p50 within noise',
      metrics: [metric('latency.p50', { baseline: 2, deltaPct: 0.4, interval: [-1.2, 2.0] })],
    }),
    makeComparison(improved, {
      verdict: 'improved',
      reason: 'p50 faster',
      metrics: [
        metric('latency.p50', {
          baseline: 2.4,
          deltaPct: -16.7,
          interval: [-18.1, -15.0],
          verdict: 'improved',
        }),
      ],
    }),
    makeComparison(regressed, {
      verdict: 'regressed',
      reason: 'latency.p50 +7.9 % exceeds the 5 % minimum effect',
      metrics: [
        metric('latency.p50', { baseline: 4.63, deltaPct: 7.9, interval: [5.1, 10.8], verdict: 'regressed' }),
        metric('latency.p99', { baseline: 4.8, deltaPct: 8.5, interval: [3, 14] }),
      ],
      layers: [
        {
          name: 'conv1',
          type: 'Convolution',
          matchedBy: 'name',
          baselineMs: 1,
          candidateMs: 1.4,
          deltaMs: 0.4,
          deltaPct: 40,
        },
        {
          name: 'fc',
          type: 'Gemm',
          matchedBy: 'name',
          baselineMs: 0.5,
          candidateMs: 0.49,
          deltaMs: -0.01,
          deltaPct: -2,
        },
      ],
    }),
    makeComparison(int8, {
      verdict: 'failed',
      reason: 'accuracy outside limits: cosine 0.9812 < 0.99',
      metrics: [metric('latency.p50', { baseline: 1.5, deltaPct: 1.1 })],
    }),
    makeComparison(failed, { verdict: 'failed', reason: 'engine build failed', metrics: [] }),
  ];
  return makeResults({
    entries: [unchanged, improved, regressed, int8, failed],
    comparisons,
    gate: gate('fail', comparisons),
    device: options.device,
    runId: options.runId,
  });
}
