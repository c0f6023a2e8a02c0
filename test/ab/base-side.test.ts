import { access, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBaseSide } from '../../src/ab/base-side.js';
import { pairEntries } from '../../src/ab/pairing.js';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import { shippedModel, tempDir } from '../helpers/tiny-config.js';

const CONFIG = (model: string, shape = '[1, 3, 32, 32]', extra = '') => `version: 1
models:
  - name: tinycnn
    onnx: ${model}
    inputs: [{ name: image, shape: ${shape} }]
${extra}`;

let repo: string;
let cleanup: () => Promise<void>;
const git = (...args: string[]) => execa('git', args, { cwd: repo });

beforeAll(async () => {
  ({ dir: repo, cleanup } = await tempDir('trt-gate-base-side-'));
  await git('init', '-q');
  await mkdir(join(repo, 'cfg', 'models'), { recursive: true });
  await copyFile(shippedModel('tinycnn-fp32.onnx'), join(repo, 'cfg', 'models', 'm.onnx'));
  await writeFile(join(repo, 'cfg', 'trt-gate.yml'), CONFIG('models/m.onnx'));
  await git('add', '-A');
  await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'base');
  // The working tree moves on; the base side must be what the commit holds.
  await copyFile(shippedModel('tinycnn-slower10-fp32.onnx'), join(repo, 'cfg', 'models', 'm.onnx'));
});
afterAll(() => cleanup());

describe('openBaseSide from a git ref', () => {
  it('reads the config and the files it names from the commit into a private directory', async () => {
    const side = await openBaseSide('HEAD', 'cfg/trt-gate.yml', repo);
    try {
      expect(side.label).toMatch(/^git HEAD \([0-9a-f]{12}\)$/);
      expect(side.loaded.file).toBe('HEAD:cfg/trt-gate.yml');
      expect(side.loaded.dir.startsWith(repo)).toBe(false);
      const model = await readFile(join(side.loaded.dir, 'models', 'm.onnx'));
      expect(model.equals(await readFile(shippedModel('tinycnn-fp32.onnx')))).toBe(true);
    } finally {
      await side.cleanup();
    }
    await expect(access(side.loaded.dir)).rejects.toThrow();
  });

  it('a path leaving the repository is refused, naming the field', async () => {
    await writeFile(join(repo, 'cfg', 'trt-gate.yml'), CONFIG('../../outside.onnx'));
    await git('add', '-A');
    await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'escape');
    const error = await openBaseSide('HEAD', 'cfg/trt-gate.yml', repo).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error.message)).toMatch(
      /HEAD:cfg\/trt-gate\.yml: models\[0\]\.onnx: .*outside the repository/,
    );
  });

  it('a missing model names the file and the ref', async () => {
    const error = await openBaseSide('HEAD~1', 'cfg/other.yml', repo).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error.message)).toMatch(/cfg\/other\.yml does not exist at HEAD~1/);
  });

  it('an unknown ref (or an option-looking one) is a usage error', async () => {
    await expect(openBaseSide('no-such-ref', 'cfg/trt-gate.yml', repo)).rejects.toBeInstanceOf(UsageError);
    await expect(openBaseSide('--output=/tmp/x', 'cfg/trt-gate.yml', repo)).rejects.toBeInstanceOf(
      UsageError,
    );
  });
});

describe('openBaseSide from a directory', () => {
  it('loads the config at the same relative path', async () => {
    const { dir, cleanup: done } = await tempDir('trt-gate-base-dir-');
    try {
      await mkdir(join(dir, 'cfg'));
      await writeFile(
        join(dir, 'cfg', 'trt-gate.yml'),
        CONFIG(JSON.stringify(shippedModel('tinycnn-fp32.onnx'))),
      );
      const side = await openBaseSide(dir, 'cfg/trt-gate.yml', repo);
      expect(side.label).toBe(`directory ${dir}`);
      expect(side.loaded.config.models[0]!.name).toBe('tinycnn');
    } finally {
      await done();
    }
  });
});

describe('pairEntries', () => {
  const parse = (text: string) => parseConfig(text, 'x.yml').config;

  it('pairs equal entries and says why others are not compared', () => {
    const base = parse(CONFIG('m.onnx', '[1, 3, 32, 32]', 'benchmark: { batchSizes: [1, 4] }'));
    const cand = parse(
      CONFIG(
        'm.onnx',
        '[1, 3, 64, 64]',
        'benchmark: { batchSizes: [1, 8] }\nrunner: { type: onnxruntime, intraOpThreads: 2 }',
      ),
    );
    const { pairs, notes } = pairEntries(cand, base);
    expect(pairs.map((p) => p.kind)).toEqual(['unpaired', 'unpaired']);
    expect(pairs[0]).toMatchObject({
      reason: expect.stringMatching(
        /input image has shape \[1, 3, 32, 32\] on the base side, \[1, 3, 64, 64\] here/,
      ),
    });
    expect(pairs[1]).toMatchObject({ reason: expect.stringMatching(/does not measure tinycnn\/fp32\/b8/) });
    expect(notes.join('\n')).toMatch(/only the base side measures tinycnn\/fp32\/b4/);
    expect(notes.join('\n')).toMatch(/runner settings differ/);
    const same = pairEntries(base, base);
    expect(same.pairs.map((p) => p.kind)).toEqual(['paired', 'paired']);
    expect(same.notes).toEqual([]);
  });
});
