import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { DataError } from '../../src/errors.js';
import { release } from '../../src/release/release.js';
import type { Results } from '../../src/results/schema.js';
import { TINYCNN, tempDir, tinyConfigText, writeConfig } from '../helpers/tiny-config.js';
import { gate, makeComparison, makeEntry, makeResults } from '../report/helpers.js';
import { readPbtxt } from './read-pbtxt.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-release-trt-'));
});
afterEach(async () => {
  await cleanup();
});

/** A passing trtexec run on one GPU architecture, its engine a file with these bytes. */
async function gpuRun(cc: string, bytes: string, batchSize = 8): Promise<Results> {
  const artifactPath = join(dir, `engine-${cc}.plan`);
  await writeFile(artifactPath, bytes);
  const entry = makeEntry({ model: 'tinycnn', precision: 'fp16', batchSize, device: `GPU sm ${cc}` });
  entry.key.runner = 'trtexec';
  entry.build = {
    timeMs: 1000,
    artifactPath,
    artifactBytes: bytes.length,
    artifactSha256: createHash('sha256').update(bytes).digest('hex'),
    modelSha256: 'm',
    cached: false,
    optionsHash: 'o',
    details: {},
  };
  const results = makeResults({ entries: [entry], device: `GPU sm ${cc}`, deviceKind: 'gpu' });
  results.environment.device.computeCapability = cc;
  results.environment.runner = 'trtexec';
  const comparison = makeComparison(entry, { verdict: 'unchanged' });
  results.comparisons = [comparison];
  results.gate = gate('pass', [comparison]);
  return results;
}

/** The config the engines were built from: tinycnn's fp16 variant, with a build profile when given. */
async function fp16Config(profile?: { min: number; max: number }) {
  let text = tinyConfigText([
    { ...TINYCNN, precisions: ['fp16'], variants: { fp16: TINYCNN.onnx.replace('fp32', 'fp16') } },
  ]);
  if (profile) {
    const dims = (b: number) => `[${b}, 3, 32, 32]`;
    text = text.replace(
      `shape: ${dims(1)} }`,
      `shape: ${dims(profile.min)}, profile: { min: ${dims(profile.min)}, opt: ${dims(profile.max)}, max: ${dims(profile.max)} } }`,
    );
  }
  return loadConfig(await writeConfig(dir, text));
}

describe('release of TensorRT engines for several GPU architectures', () => {
  it('ships one plan per compute capability through cc_model_filenames', async () => {
    const loaded = await fp16Config();
    const runs = [await gpuRun('8.9', 'ada engine'), await gpuRun('9.0', 'hopper engine')];
    const out = join(dir, 'rel');
    await release({ candidates: runs, production: [], loaded, out });
    const config = await readPbtxt(join(out, 'model_repository', 'tinycnn_fp16', 'config.pbtxt'));
    expect(config).toMatchObject({
      platform: 'tensorrt_plan',
      instance_group: [{ kind: 'KIND_GPU', count: 1 }],
      cc_model_filenames: { '8.9': 'model_sm89.plan', '9.0': 'model_sm90.plan' },
    });
    expect(config.default_model_filename).toBeUndefined();
    const version = join(out, 'model_repository', 'tinycnn_fp16', '1');
    expect(await readFile(join(version, 'model_sm89.plan'), 'utf8')).toBe('ada engine');
    expect(await readFile(join(version, 'model_sm90.plan'), 'utf8')).toBe('hopper engine');
  });

  it('a fixed-batch engine is a non-batching model: max_batch_size 0, its batch in the dims', async () => {
    // No build profile: trtexec built the engine for batch 8 alone. Triton would batch 1…8 into
    // a batching model, which this engine rejects for any batch but 8.
    const loaded = await fp16Config();
    const out = join(dir, 'rel');
    await release({ candidates: [await gpuRun('8.9', 'ada engine')], production: [], loaded, out });
    const config = await readPbtxt(join(out, 'model_repository', 'tinycnn_fp16', 'config.pbtxt'));
    expect(config.max_batch_size).toBe(0);
    expect(config.dynamic_batching).toBeUndefined();
    expect(config.input).toEqual([{ name: 'image', data_type: 'TYPE_FP32', dims: [8, 3, 32, 32] }]);
    expect((config.output as Array<{ dims: number[] }>)[0]!.dims[0]).toBe(8);
  });

  it('an engine whose profile takes batches from 1 is batched up to the measured batch', async () => {
    const loaded = await fp16Config({ min: 1, max: 16 });
    const out = join(dir, 'rel');
    await release({ candidates: [await gpuRun('8.9', 'ada engine')], production: [], loaded, out });
    const config = await readPbtxt(join(out, 'model_repository', 'tinycnn_fp16', 'config.pbtxt'));
    expect(config).toMatchObject({ max_batch_size: 8, dynamic_batching: { preferred_batch_size: [8] } });
    expect(config.input).toEqual([{ name: 'image', data_type: 'TYPE_FP32', dims: [3, 32, 32] }]);
  });

  it('an engine whose profile does not take batch 1 is not batched; its batch dimension stays dynamic', async () => {
    const loaded = await fp16Config({ min: 4, max: 16 });
    const out = join(dir, 'rel');
    await release({ candidates: [await gpuRun('8.9', 'ada engine')], production: [], loaded, out });
    const config = await readPbtxt(join(out, 'model_repository', 'tinycnn_fp16', 'config.pbtxt'));
    expect(config.max_batch_size).toBe(0);
    expect(config.input).toEqual([{ name: 'image', data_type: 'TYPE_FP32', dims: [-1, 3, 32, 32] }]);
  });

  it('refuses an engine that changed since it was measured', async () => {
    const loaded = await fp16Config();
    const run = await gpuRun('8.9', 'ada engine');
    await writeFile(run.entries[0]!.build!.artifactPath, 'tampered');
    const error = await release({ candidates: [run], production: [], loaded, out: join(dir, 'rel') }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain('changed since it was measured');
  });

  it('keys even a single engine by its compute capability, never default_model_filename', async () => {
    const loaded = await fp16Config();
    const out = join(dir, 'rel');
    await release({ candidates: [await gpuRun('8.6', 'ampere engine')], production: [], loaded, out });
    const config = await readPbtxt(join(out, 'model_repository', 'tinycnn_fp16', 'config.pbtxt'));
    // Triton falls back to default_model_filename on a GPU the map lacks: with none, such a GPU
    // fails to load the model instead of loading an engine built for another architecture.
    expect(config.cc_model_filenames).toEqual({ '8.6': 'model_sm86.plan' });
    expect(config.default_model_filename).toBeUndefined();
  });

  it('finds a downloaded engine by name beside its results, checked by its hash', async () => {
    const loaded = await fp16Config();
    const run = await gpuRun('8.9', 'ada engine');
    const recorded = run.entries[0]!.build!.artifactPath;
    const downloads = [join(dir, 'artifact-a'), join(dir, 'artifact-b')];
    await mkdir(downloads[0]!);
    await mkdir(downloads[1]!);
    await writeFile(join(downloads[0]!, basename(recorded)), 'another job’s engine');
    await writeFile(join(downloads[1]!, basename(recorded)), 'ada engine');
    await rm(recorded);
    const out = join(dir, 'rel');
    await release({ candidates: [run], production: [], loaded, out, artifactDirs: downloads });
    expect(
      await readFile(join(out, 'model_repository', 'tinycnn_fp16', '1', 'model_sm89.plan'), 'utf8'),
    ).toBe('ada engine');
    // Only a file with other bytes: refused, naming the file that differs.
    await rm(join(downloads[1]!, basename(recorded)));
    const error = await release({
      candidates: [run],
      production: [],
      loaded,
      out,
      artifactDirs: downloads,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/artifact-a.*changed since it was measured/);
  });
});
