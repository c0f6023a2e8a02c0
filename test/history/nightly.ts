import type { Entry, Results } from '../../src/results/schema.js';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import { DEFAULT_NAMESPACE, namespacePath } from '../../src/store/namespace.js';
import { mulberry32, normalSource } from '../../src/util/prng.js';
import { makeEntry, makeResults, makeStats } from '../store/helpers.js';

/**
 * A nightly series written through the real store: run i (1-based) has latency samples around
 * `level(i)` ms — 5 trials × 40 log-normal samples, 3 % within-run spread, plus a run-to-run
 * factor with `runNoisePct` spread — and the runtime `runtime(i)`.
 */
export interface NightlyPlan {
  runs: number;
  level: (run: number) => number;
  runtime: (run: number) => string;
  runNoisePct?: number;
  seed?: number;
  cosine?: (run: number) => number;
}

export function nightlyEntry(run: number, plan: NightlyPlan, normal: () => number): Entry {
  const runFactor = 1 + ((plan.runNoisePct ?? 1) / 100) * normal();
  const center = plan.level(run) * runFactor;
  const samples = Array.from({ length: 5 * 40 }, () => center * Math.exp(0.03 * normal()));
  const entry = makeEntry({
    key: {
      model: 'resnet50',
      precision: 'fp16',
      batchSize: 8,
      runner: 'trtexec',
      device: 'NVIDIA L4 (8.9)',
      runtime: plan.runtime(run),
    },
    samples,
  });
  entry.latency!.trials = Array.from({ length: 5 }, (_, t) => {
    const trial = samples.slice(t * 40, t * 40 + 40);
    return { samples: trial, stats: makeStats(trial), wallMs: trial.reduce((a, b) => a + b, 0) };
  });
  entry.build = {
    timeMs: 41_000 + 3000 * normal(),
    artifactPath: 'engine.plan',
    artifactBytes: run >= 32 && plan.runtime(run).includes('10.4') ? 51_200_000 : 50_331_648,
    artifactSha256: 'e'.repeat(64),
    modelSha256: 'm'.repeat(64),
    cached: false,
    optionsHash: entry.key.optionsHash,
    details: {},
  };
  const cosine = plan.cosine?.(run) ?? 0.99991;
  entry.accuracy = {
    reference: 'onnxruntime fp32',
    samples: 8,
    outputs: [],
    worst: { maxAbsError: 1e-3, meanAbsError: 1e-4, mse: 1e-8, maxRelError: 1e-2, cosine, top1Agreement: 1 },
    violations: [],
    passed: true,
  };
  return entry;
}

export function nightlyResults(run: number, plan: NightlyPlan, normal: () => number): Results {
  const day = new Date(Date.UTC(2026, 0, 1) + run * 86_400_000).toISOString();
  const results = makeResults({
    runId: `nightly-${run}`,
    createdAt: day,
    entries: [nightlyEntry(run, plan, normal)],
  });
  results.source = {
    sha: `c0ffee${String(run).padStart(2, '0')}${'0'.repeat(32)}`,
    ref: 'refs/heads/main',
    event: 'schedule',
  };
  return results;
}

/** The store at `dir` as the CLI opens it for `--store dir` (the default namespace, main). */
export function nightlyStore(dir: string): FilesystemBaselineStore {
  return new FilesystemBaselineStore(dir, { namespace: namespacePath({ branch: DEFAULT_NAMESPACE }) });
}

/** Appends the plan's runs to a filesystem store at `dir`, one `append` per night. */
export async function writeNightlyStore(dir: string, plan: NightlyPlan): Promise<FilesystemBaselineStore> {
  const store = nightlyStore(dir);
  const normal = normalSource(mulberry32(plan.seed ?? 7));
  for (let run = 1; run <= plan.runs; run++) {
    const outcome = await store.append(nightlyResults(run, plan, normal), { historySize: 60 });
    if (outcome.written.length !== 1)
      throw new Error(`run ${run} not stored: ${JSON.stringify(outcome.skipped)}`);
  }
  return store;
}

/** The scenario: a 5 % latency step at run 25, a TensorRT upgrade (8 % faster) at run 32. */
export const STEP_AND_UPGRADE: NightlyPlan = {
  runs: 40,
  level: (run) => 2.0 * (run >= 25 ? 1.05 : 1) * (run >= 32 ? 0.92 : 1),
  runtime: (run) => `tensorrt ${run >= 32 ? '10.4.0' : '10.3.0'} / driver 550.54`,
  runNoisePct: 1,
};
