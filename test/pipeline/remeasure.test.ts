import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { inconclusiveLatency, mergeTrials, remeasure } from '../../src/pipeline/remeasure.js';
import { runPipeline } from '../../src/pipeline/run.js';
import type { EntryComparison, Results } from '../../src/results/schema.js';
import { createRunner } from '../../src/runners/create.js';
import { MLP, TINYCNN, tempDir, tinyConfigText, writeConfig } from '../helpers/tiny-config.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-remeasure-'));
});
afterEach(async () => {
  await cleanup();
});

function comparison(entryId: string, latencyVerdict: EntryComparison['verdict']): EntryComparison {
  return {
    entryId,
    model: entryId.split('/')[0]!,
    precision: 'fp32',
    batchSize: 1,
    device: 'cpu',
    verdict: latencyVerdict,
    reason: '',
    baselineRuns: 1,
    metrics: [
      {
        metric: 'latency.p50',
        direction: 'lower',
        threshold: {
          model: 'statistical',
          minEffectPct: 5,
          confidence: 0.99,
          resamples: 2000,
          assumedRunNoisePct: 5,
        },
        baseline: 1,
        candidate: 1,
        deltaPct: 0,
        verdict: latencyVerdict,
        reason: '',
      },
    ],
  };
}

describe('re-measuring inconclusive latency', () => {
  it('adds trials only to the inconclusive entries and recomputes their pooled statistics', async () => {
    const loaded = await loadConfig(await writeConfig(dir, tinyConfigText([TINYCNN, MLP])));
    const outDir = join(dir, 'out');
    const runner = await createRunner(loaded, outDir);
    try {
      const first: Results = await runPipeline({ loaded, runner, workDir: outDir });
      const judged: Results = {
        ...first,
        comparisons: [comparison('tinycnn/fp32/b1', 'inconclusive'), comparison('mlp/fp32/b1', 'unchanged')],
      };
      const unsure = inconclusiveLatency(judged);
      expect(unsure).toEqual(['tinycnn/fp32/b1']);

      const more = await remeasure(judged, unsure, { loaded, runner, workDir: outDir, extraTrials: 3 });
      const [tiny, mlp] = more.entries;
      expect(tiny!.latency!.trials).toHaveLength(2 + 3);
      expect(tiny!.latency!.pooled.count).toBe(5 * 20);
      // The first two trials are the original ones, untouched.
      expect(tiny!.latency!.trials.slice(0, 2)).toEqual(first.entries[0]!.latency!.trials);
      expect(mlp).toEqual(first.entries[1]);
      expect(tiny!.accuracy).toEqual(first.entries[0]!.accuracy);
    } finally {
      await runner.close();
    }
  });

  it('mergeTrials recomputes throughput from all trials', () => {
    const trial = (samples: number[], wallMs: number) => ({
      samples,
      stats: {
        count: samples.length,
        min: 0,
        max: 0,
        mean: 0,
        median: 0,
        p90: 0,
        p95: 0,
        p99: 0,
        stddev: 0,
        cv: 0,
      },
      wallMs,
    });
    const base = {
      id: 'm/fp32/b2',
      model: 'm',
      precision: 'fp32' as const,
      batchSize: 2,
      status: 'ok' as const,
      key: {
        model: 'm',
        precision: 'fp32' as const,
        batchSize: 2,
        runner: 'r',
        device: 'd',
        runtime: 'x',
        optionsHash: 'h',
      },
      incidents: [],
    };
    const a = {
      ...base,
      latency: { unit: 'ms' as const, source: 's', trials: [trial([1, 1], 2)], pooled: trial([], 0).stats },
    };
    const b = {
      ...base,
      latency: { unit: 'ms' as const, source: 's', trials: [trial([3, 3], 6)], pooled: trial([], 0).stats },
    };
    const merged = mergeTrials(a, b);
    expect(merged.latency!.pooled.median).toBe(2);
    // 4 inferences in 8 ms → 500/s; × batch 2 → 1000 items/s.
    expect(merged.throughput).toEqual({ inferencesPerSec: 500, itemsPerSec: 1000 });
  });
});
