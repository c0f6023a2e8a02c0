import { copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLE_MANIFEST, writeBaseBundle } from '../../src/ab/base-bundle.js';
import { openBaseSide } from '../../src/ab/base-side.js';
import { loadConfig } from '../../src/config/load.js';
import { DataError, UsageError } from '../../src/errors.js';
import { sha256File } from '../../src/util/hash.js';
import { shippedModel, tempDir } from '../helpers/tiny-config.js';

/** A workspace whose config (in cfg/) names a model under cfg/ and an input file outside it. */
const CONFIG = `version: 1
models:
  - name: tinycnn
    onnx: models/m.onnx
    inputs: [{ name: image, shape: [1, 3, 32, 32], data: { type: file, path: ../data/image.npy } }]
`;
const COMMIT = '4f9c1d7e2b8a6c3f0e5d9b1a7c2e8f4d6b0a3c5e';

let ws: string;
let cleanup: () => Promise<void>;
let bundle: string;

beforeEach(async () => {
  ({ dir: ws, cleanup } = await tempDir('trt-gate-bundle-'));
  await mkdir(join(ws, 'cfg', 'models'), { recursive: true });
  await mkdir(join(ws, 'data'));
  await copyFile(shippedModel('tinycnn-fp32.onnx'), join(ws, 'cfg', 'models', 'm.onnx'));
  await writeFile(join(ws, 'data', 'image.npy'), 'not parsed here');
  await writeFile(join(ws, 'cfg', 'trt-gate.yml'), CONFIG);
  bundle = join(ws, 'out', 'trt-gate-base');
  await mkdir(join(ws, 'out'));
});
afterEach(() => cleanup());

const keep = async () =>
  writeBaseBundle(await loadConfig(join(ws, 'cfg', 'trt-gate.yml')), ws, bundle, {
    commit: COMMIT,
    branch: 'main',
  });

describe('kept base side', () => {
  it('keeps the config and every file it names with their sha256, and opens as the base side', async () => {
    const manifest = await keep();
    expect(manifest).toMatchObject({ schema: 1, commit: COMMIT, branch: 'main', config: 'cfg/trt-gate.yml' });
    expect(manifest.files.map((f) => f.path)).toEqual([
      'cfg/trt-gate.yml',
      'cfg/models/m.onnx',
      'data/image.npy',
    ]);
    expect(manifest.files[1]!.sha256).toBe(await sha256File(shippedModel('tinycnn-fp32.onnx')));
    // The workspace moves on (a PR); the kept base is what was kept.
    await copyFile(shippedModel('tinycnn-slower10-fp32.onnx'), join(ws, 'cfg', 'models', 'm.onnx'));
    const side = await openBaseSide(bundle, 'cfg/trt-gate.yml', ws);
    expect(side.label).toBe('kept base of main at 4f9c1d7e2b8a');
    expect(side.loaded.dir).toBe(join(bundle, 'tree', 'cfg'));
    expect(await sha256File(join(side.loaded.dir, side.loaded.config.models[0]!.onnx))).toBe(
      manifest.files[1]!.sha256,
    );
  });

  it('refuses a changed, missing, linked or unlisted file, naming it (exit 4), before loading anything', async () => {
    const open = () => openBaseSide(bundle, 'cfg/trt-gate.yml', ws);
    const model = join(bundle, 'tree', 'cfg', 'models', 'm.onnx');

    await keep();
    const bytes = await readFile(model);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    await writeFile(model, bytes);
    await expect(open()).rejects.toThrow(DataError);
    await expect(open()).rejects.toThrow(`${model}: does not match its sha256 and size`);

    await keep();
    await rm(model);
    await expect(open()).rejects.toThrow(`${model}: listed in ${BUNDLE_MANIFEST} but missing`);

    await keep();
    await rm(model);
    await symlink(shippedModel('tinycnn-fp32.onnx'), model);
    await expect(open()).rejects.toThrow(`${model}: expected a regular file (not a link or directory)`);

    // A config edited to name a file the manifest does not list (its own hash updated too).
    await keep();
    const manifestFile = join(bundle, BUNDLE_MANIFEST);
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    const config = join(bundle, 'tree', 'cfg', 'trt-gate.yml');
    await writeFile(config, CONFIG.replace('models/m.onnx', 'models/other.onnx'));
    await copyFile(shippedModel('tinycnn-fp32.onnx'), join(bundle, 'tree', 'cfg', 'models', 'other.onnx'));
    manifest.files[0].sha256 = await sha256File(config);
    manifest.files[0].bytes = (await readFile(config)).length;
    await writeFile(manifestFile, JSON.stringify(manifest));
    await expect(open()).rejects.toThrow(/models\/other\.onnx: named by the kept config but not listed/);

    await writeFile(manifestFile, '{"schema": 1}');
    await expect(open()).rejects.toThrow(`${manifestFile}: not a kept base manifest`);
  });

  it('is for the same config path, and never keeps a file outside the workspace', async () => {
    await keep();
    await expect(openBaseSide(bundle, 'other.yml', ws)).rejects.toThrow(UsageError);
    await writeFile(
      join(ws, 'cfg', 'trt-gate.yml'),
      CONFIG.replace('../data/image.npy', '../../outside.npy'),
    );
    await expect(keep()).rejects.toThrow(
      /inputs\[0\]\.data\.path \(\.\.\/\.\.\/outside\.npy\) is outside the workspace/,
    );
  });
});
