import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { DataError } from '../../src/errors.js';
import { release } from '../../src/release/release.js';
import { readPbtxt } from '../../src/release/repository.js';
import type { Results } from '../../src/results/schema.js';
import { TINYCNN, tempDir, tinyConfigText, writeConfig } from '../helpers/tiny-config.js';
import { gate, makeComparison, makeEntry, makeResults } from '../report/helpers.js';

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

/** The config the engines were built from: tinycnn's fp16 variant. */
async function fp16Config() {
  return loadConfig(
    await writeConfig(
      dir,
      tinyConfigText([
        { ...TINYCNN, precisions: ['fp16'], variants: { fp16: TINYCNN.onnx.replace('fp32', 'fp16') } },
      ]),
    ),
  );
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
      // No sweep and no build profile: the engine takes the batch it was built for.
      max_batch_size: 8,
      instance_group: [{ kind: 'KIND_GPU', count: 1 }],
      cc_model_filenames: { '8.9': 'model_sm89.plan', '9.0': 'model_sm90.plan' },
      dynamic_batching: { preferred_batch_size: [8] },
    });
    expect(config.default_model_filename).toBeUndefined();
    const version = join(out, 'model_repository', 'tinycnn_fp16', '1');
    expect(await readFile(join(version, 'model_sm89.plan'), 'utf8')).toBe('ada engine');
    expect(await readFile(join(version, 'model_sm90.plan'), 'utf8')).toBe('hopper engine');
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
