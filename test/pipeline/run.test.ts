import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { RecordingObserver, type RunEvent } from '../../src/pipeline/events.js';
import { entryId, planEntries } from '../../src/pipeline/plan.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { Results } from '../../src/results/schema.js';
import { createRunner } from '../../src/runners/create.js';
import {
  MLP,
  shippedModel,
  TINYCNN,
  type TinyModel,
  tempDir,
  tinyConfigText,
  writeConfig,
  writeGarbageModel,
} from '../helpers/tiny-config.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-pipeline-'));
});
afterEach(async () => {
  await cleanup();
});

async function run(text: string, only?: Parameters<typeof runPipeline>[0]['only']) {
  const loaded = await loadConfig(await writeConfig(dir, text));
  const outDir = join(dir, 'out');
  const runner = await createRunner(loaded, outDir);
  const observer = new RecordingObserver();
  try {
    const results = await runPipeline({
      loaded,
      runner,
      workDir: outDir,
      observer,
      source: { sha: 'abc' },
      only,
    });
    return { results, events: observer.events, loaded };
  } finally {
    await runner.close();
  }
}

/** Events as compact strings, stage messages dropped: `start tinycnn/fp32/b1`, `stage build`, … */
function outline(events: RunEvent[]): string[] {
  return events.map((e) => {
    if (e.type === 'environment') return 'environment';
    if (e.type === 'entry-start') return `start ${e.entryId} ${e.index + 1}/${e.total}`;
    if (e.type === 'stage') return `stage ${e.entryId} ${e.stage}`;
    return `done ${e.entry.id} ${e.entry.status}`;
  });
}

/** Consecutive duplicates collapsed (a stage may report several messages). */
function collapse(lines: string[]): string[] {
  return lines.filter((line, i) => line !== lines[i - 1]);
}

describe('runPipeline', () => {
  it('runs every entry of a small config to status ok, reporting progress in order', async () => {
    const { results, events } = await run(tinyConfigText([TINYCNN, MLP]));
    expect(Results.safeParse(results).success).toBe(true);
    expect(results.entries.map((e) => [e.id, e.status])).toEqual([
      ['tinycnn/fp32/b1', 'ok'],
      ['mlp/fp32/b1', 'ok'],
    ]);
    expect(results.source).toEqual({ sha: 'abc' });
    expect(results.environment.runner).toBe('onnxruntime');

    for (const entry of results.entries) {
      expect(entry.incidents).toEqual([]);
      expect(entry.error).toBeUndefined();
      expect(entry.key).toMatchObject({
        model: entry.model,
        precision: 'fp32',
        batchSize: 1,
        runner: 'onnxruntime',
      });
      expect(entry.key.optionsHash).toBe(entry.build!.optionsHash);
      expect(entry.build!.artifactBytes).toBeGreaterThan(0);
      expect(entry.build!.modelSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(entry.latency!.trials).toHaveLength(2);
      for (const trial of entry.latency!.trials) {
        expect(trial.samples).toHaveLength(20);
        expect(trial.stats.count).toBe(20);
      }
      expect(entry.latency!.pooled.count).toBe(40);
      expect(entry.throughput!.inferencesPerSec).toBeGreaterThan(0);
      expect(entry.throughput!.itemsPerSec).toBe(entry.throughput!.inferencesPerSec); // batch 1
      expect(entry.accuracy!.samples).toBe(4);
      expect(entry.accuracy!.passed).toBe(true);
    }
    expect(results.entries[0]!.accuracy!.outputs[0]!.dims).toEqual([1, 100]);
    expect(results.entries[1]!.accuracy!.outputs[0]!.dims).toEqual([1, 10]);

    expect(collapse(outline(events))).toEqual([
      'environment',
      'start tinycnn/fp32/b1 1/2',
      'stage tinycnn/fp32/b1 build',
      'stage tinycnn/fp32/b1 benchmark',
      'stage tinycnn/fp32/b1 accuracy',
      'done tinycnn/fp32/b1 ok',
      'start mlp/fp32/b1 2/2',
      'stage mlp/fp32/b1 build',
      'stage mlp/fp32/b1 benchmark',
      'stage mlp/fp32/b1 accuracy',
      'done mlp/fp32/b1 ok',
    ]);
    // The entry in entry-done is the one in the results.
    const done = events.filter((e) => e.type === 'entry-done');
    expect(done.map((e) => e.entry)).toEqual(results.entries);
  });

  it('a broken model fails alone: the other model still runs and is reported', async () => {
    const broken: TinyModel = { ...MLP, name: 'broken', onnx: await writeGarbageModel(dir) };
    const { results, events } = await run(tinyConfigText([broken, MLP]));
    expect(Results.safeParse(results).success).toBe(true);
    const [bad, good] = results.entries;
    expect(bad).toMatchObject({ id: 'broken/fp32/b1', status: 'failed', error: { stage: 'build' } });
    expect(bad!.incidents).toHaveLength(1);
    expect(bad!.incidents[0]).toMatchObject({ kind: 'engine-build-failure', stage: 'build' });
    expect(bad!.error!.message).toBe(bad!.incidents[0]!.message);
    expect(bad!.build).toBeUndefined();
    expect(bad!.latency).toBeUndefined();
    expect(good).toMatchObject({ id: 'mlp/fp32/b1', status: 'ok' });
    expect(good!.latency!.pooled.count).toBe(40);
    expect(good!.accuracy!.passed).toBe(true);

    expect(collapse(outline(events))).toEqual([
      'environment',
      'start broken/fp32/b1 1/2',
      'stage broken/fp32/b1 build',
      'done broken/fp32/b1 failed',
      'start mlp/fp32/b1 2/2',
      'stage mlp/fp32/b1 build',
      'stage mlp/fp32/b1 benchmark',
      'stage mlp/fp32/b1 accuracy',
      'done mlp/fp32/b1 ok',
    ]);
  });

  it('an input the model does not have fails that entry at benchmark', async () => {
    const wrong: TinyModel = { ...MLP, name: 'wrong-input', input: { name: 'nope', shape: [1, 64] } };
    const { results } = await run(tinyConfigText([wrong, MLP]));
    expect(results.entries[0]).toMatchObject({ status: 'failed', error: { stage: 'benchmark' } });
    expect(results.entries[0]!.incidents[0]!.kind).toBe('runtime-error');
    expect(results.entries[0]!.build).toBeDefined();
    expect(results.entries[1]!.status).toBe('ok');
  });

  it('precision variants: a less accurate variant fails accuracy but the entry still completes', async () => {
    const model: TinyModel = {
      ...TINYCNN,
      precisions: ['fp32', 'fp16', 'int8'],
      variants: {
        fp16: shippedModel('tinycnn-perturbed-fp32.onnx'),
        int8: shippedModel('tinycnn-int8.onnx'),
      },
    };
    const { results } = await run(tinyConfigText([model]));
    expect(results.entries.map((e) => [e.id, e.status, e.accuracy?.passed])).toEqual([
      ['tinycnn/fp32/b1', 'ok', true],
      ['tinycnn/fp16/b1', 'ok', false],
      ['tinycnn/int8/b1', 'ok', true],
    ]);
    const fp16 = results.entries[1]!;
    expect(fp16.accuracy!.violations.some((v) => v.metric === 'cosine')).toBe(true);
    // Each precision ran its own file.
    expect(new Set(results.entries.map((e) => e.build!.modelSha256)).size).toBe(3);
  });

  it('batch size sweeps give one entry per batch size with that batch in the inputs', async () => {
    const { results } = await run(
      tinyConfigText([MLP]).replace(
        'benchmark: { warmup: 2, iterations: 20, trials: 2 }',
        'benchmark: { warmup: 2, iterations: 20, trials: 2, batchSizes: [1, 3] }',
      ),
    );
    expect(results.entries.map((e) => e.id)).toEqual(['mlp/fp32/b1', 'mlp/fp32/b3']);
    const b3 = results.entries[1]!;
    expect(b3.status).toBe('ok');
    expect(b3.key.batchSize).toBe(3);
    expect(b3.accuracy!.outputs[0]!.dims).toEqual([3, 10]);
    expect(b3.throughput!.itemsPerSec).toBeCloseTo(b3.throughput!.inferencesPerSec * 3, 6);
    expect(b3.key.optionsHash).not.toBe(results.entries[0]!.key.optionsHash);
  });

  it('`only` restricts the entries; accuracy can be switched off', async () => {
    const { results, events } = await run(
      tinyConfigText([TINYCNN, MLP]).replace('accuracy: { samples: 4 }', 'accuracy: { enabled: false }'),
      (p) => p.model.name === 'mlp',
    );
    expect(results.entries.map((e) => e.id)).toEqual(['mlp/fp32/b1']);
    expect(results.entries[0]!.accuracy).toBeUndefined();
    expect(outline(events).some((l) => l.includes('accuracy'))).toBe(false);
  });

  it('an input file of the wrong size is a config error for the whole run, naming the model', async () => {
    await writeFile(join(dir, 'inputs.bin'), new Uint8Array(10));
    const text = tinyConfigText([TINYCNN, MLP]).replace(
      'inputs: [{ name: features, shape: [1, 64] }]',
      'inputs: [{ name: features, shape: [1, 64], data: { type: file, path: inputs.bin } }]',
    );
    const error = await run(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]).toMatchObject({
      file: join(dir, 'trt-gate.yml'),
      path: 'models[1].inputs[0].data.path',
    });
  });
});

describe('planEntries', () => {
  it('orders model × precision × batch as in the config', async () => {
    const loaded = await loadConfig(
      await writeConfig(
        dir,
        tinyConfigText([
          { ...MLP, precisions: ['fp32', 'int8'], variants: { int8: shippedModel('mlp-int8.onnx') } },
          TINYCNN,
        ]).replace('trials: 2 }', 'trials: 2, batchSizes: [2, 4] }'),
      ),
    );
    expect(planEntries(loaded.config).map((p) => p.id)).toEqual([
      'mlp/fp32/b2',
      'mlp/fp32/b4',
      'mlp/int8/b2',
      'mlp/int8/b4',
      'tinycnn/fp32/b2',
      'tinycnn/fp32/b4',
    ]);
    expect(planEntries(loaded.config, (p) => p.precision === 'int8').map((p) => p.modelIndex)).toEqual([
      0, 0,
    ]);
    expect(entryId('m', 'fp16', 8)).toBe('m/fp16/b8');
  });
});
