import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateResults, storeLookup } from '../../src/app/gate-results.js';
import { loadConfig } from '../../src/config/load.js';
import { GateConfig, ThresholdSpec } from '../../src/config/schema.js';
import { compareEntry } from '../../src/gate/compare.js';
import { runPipeline } from '../../src/pipeline/run.js';
import type { Results } from '../../src/results/schema.js';
import { createRunner } from '../../src/runners/create.js';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import { shippedModel, tempDir, tinyConfigText, writeConfig } from '../helpers/tiny-config.js';
import { makeEntry, makeHistory, spec } from './helpers.js';

/**
 * Learned tolerances end to end, on real inference, the real filesystem store and the real gate.
 * The fixed limit is the kind users of comparison tools keep tripping over: maxAbsError ≤ 1e-5
 * for an fp16 model, which fp16 weight rounding alone exceeds (about 4e-5 here). Three stored runs
 * of the same fp16 model teach the envelope what this key's error is; the same model again is
 * then `unchanged`, and a model with a broken layer (same key) is `regressed`.
 */
const FIXED = 'accuracy: { samples: 4, limits: { fp16: { maxAbsError: { max: 0.00001 } } } }';

let dir: string;
let cleanup: () => Promise<void>;
let store: FilesystemBaselineStore;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-envelope-'));
  store = new FilesystemBaselineStore(join(dir, 'store'));
});
afterAll(async () => cleanup());

async function run(fp16Model: string, name: string): Promise<Results> {
  const text = tinyConfigText([
    {
      name: 'tinycnn',
      onnx: shippedModel('tinycnn-fp32.onnx'),
      precisions: ['fp16'],
      variants: { fp16: shippedModel(fp16Model) },
      input: { name: 'image', shape: [2, 3, 32, 32] },
    },
  ]).replace(/accuracy: \{ samples: 4 \}/, FIXED);
  const loaded = await loadConfig(await writeConfig(dir, text, `${name}.yml`));
  const runner = await createRunner(loaded, join(dir, name));
  try {
    return await runPipeline({ loaded, runner, workDir: join(dir, name) });
  } finally {
    await runner.close();
  }
}

function settings(thresholds: Record<string, unknown>) {
  return {
    thresholds: Object.fromEntries(Object.entries(thresholds).map(([k, v]) => [k, ThresholdSpec.parse(v)])),
    gate: GateConfig.parse({}),
  };
}

const ENVELOPE = { 'accuracy.maxAbsError': { model: 'envelope' } };

describe('tolerances learned from history (envelope)', () => {
  it('turns a fixed-limit false failure into unchanged, and still catches a real drop', async () => {
    const first = await run('tinycnn-fp16.onnx', 'first');
    const fp16Error = first.entries[0]!.accuracy!.worst!.maxAbsError;
    expect(fp16Error).toBeGreaterThan(1e-5); // the fixed limit fails on rounding noise
    expect(first.entries[0]!.accuracy!.passed).toBe(false);

    // Too young a history: the envelope is not learned, the fixed limit stands.
    await store.append(first, { historySize: 30 });
    const young = await gateResults(first, storeLookup(store), settings(ENVELOPE));
    expect(young.comparisons![0]!.verdict).toBe('regressed');
    expect(young.comparisons![0]!.metrics.find((m) => m.threshold.model === 'envelope')!.reason).toMatch(
      /1 of 3 stored runs: no envelope learned yet/,
    );

    for (const name of ['second', 'third'])
      await store.append(await run('tinycnn-fp16.onnx', name), { historySize: 30 });
    const candidate = await run('tinycnn-fp16.onnx', 'candidate');
    const lookup = storeLookup(store);

    // Fixed limits only: the same fp16 model fails again on noise.
    const fixed = await gateResults(candidate, lookup, settings({}));
    expect(fixed.comparisons![0]!.verdict).toBe('regressed');
    expect(fixed.gate!.conclusion).toBe('fail');

    // With the envelope learned from 3 runs: unchanged, and the fixed limit is said to be answered.
    const learned = await gateResults(candidate, lookup, settings(ENVELOPE));
    const c = learned.comparisons![0]!;
    expect(c.baselineRuns).toBe(3);
    expect(c.verdict).toBe('unchanged');
    expect(learned.gate!.conclusion).toBe('pass');
    expect(c.metrics).toHaveLength(1);
    expect(c.metrics[0]!.reason).toMatch(
      /within the envelope .* learned from 3 runs; the fixed limit .* is answered/,
    );

    // A real drop (conv2's weights broken, same key): outside the envelope, regressed.
    const broken = await run('tinycnn-broken-conv2-fp16.onnx', 'broken');
    expect(broken.entries[0]!.key).toEqual(candidate.entries[0]!.key);
    const caught = await gateResults(broken, lookup, settings(ENVELOPE));
    expect(caught.comparisons![0]!.verdict).toBe('regressed');
    const envelope = caught.comparisons![0]!.metrics.find((m) => m.metric === 'accuracy.maxAbsError')!;
    expect(envelope.verdict).toBe('regressed');
    expect(envelope.reason).toMatch(/outside the envelope/);
  });
});

describe('the envelope model on a noisy (GPU-like) history', () => {
  const cosine = (value: number, limit = 0.9999) =>
    makeEntry({
      accuracy: {
        worst: { maxAbsError: 0.01, meanAbsError: 0.001, mse: 1e-5, maxRelError: 0.02, cosine: value },
        violations:
          value < limit
            ? [
                {
                  output: 'probs',
                  metric: 'cosine',
                  value,
                  limit: { min: limit },
                  message: `probs: cosine ${value} < ${limit}`,
                },
              ]
            : [],
        passed: value >= limit,
      },
    });
  // Tactic choice moves cosine between builds: 0.99984 … 0.99994 across five stored runs.
  const history = makeHistory([0.99986, 0.99992, 0.99984, 0.99994, 0.99989].map((v) => cosine(v)));
  const judge = (value: number, extra: Record<string, unknown> = {}) =>
    compareEntry(cosine(value), history, [], { 'accuracy.cosine': spec({ model: 'envelope', ...extra }) });

  it('inside the widened range is unchanged although the fixed limit 0.9999 fails', () => {
    const c = judge(0.99983);
    expect(c.verdict).toBe('unchanged');
    expect(c.metrics[0]!.baseline).toBe(0.99989); // the stored median
  });

  it('beyond the range plus k standard deviations is regressed; k = 0 is the bare range', () => {
    expect(judge(0.9995).verdict).toBe('regressed');
    expect(judge(0.99983, { k: 0 }).verdict).toBe('regressed');
    expect(judge(0.99983, { k: 0, minEffect: 0.0001 }).verdict).toBe('unchanged'); // a change too small to matter
  });

  it('better than the envelope is improved; a user floor fails whatever the history says', () => {
    expect(judge(0.99999).verdict).toBe('unchanged'); // within 3 sd of the top of the range
    expect(judge(0.99999, { k: 0 }).verdict).toBe('improved');
    expect(judge(0.99983, { min: 0.99985 }).verdict).toBe('regressed');
  });

  it('NaN/Inf violations are never answered by an envelope', () => {
    const entry = cosine(0.99989);
    entry.accuracy!.violations.push({
      output: 'probs',
      metric: 'finite',
      value: 3,
      limit: { max: 0 },
      message: 'NaN',
    });
    entry.accuracy!.passed = false;
    const c = compareEntry(entry, history, [], { 'accuracy.cosine': spec({ model: 'envelope' }) });
    expect(c.verdict).toBe('regressed');
  });
});
