import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { EngineDiff } from '../../src/engine-diff/schema.js';
import { fakeIO } from '../helpers/fake-io.js';
import { tempDir } from '../helpers/tiny-config.js';
import { fp32Stem, RTX3090_FP16_STEM, RTX3090_FP32_LAYERS, RTX3090_FP32_PROFILE } from './exports.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-diff-engines-'));
});
afterEach(async () => {
  await cleanup();
});

async function cli(args: string[]) {
  const io = fakeIO({ cwd: dir });
  const code = await main(['diff-engines', ...args], io.io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('trt-gate diff-engines', () => {
  it('--json: the diff of two real exports, valid against its schema', async () => {
    await writeFile(join(dir, 'fp32.json'), JSON.stringify(fp32Stem()));
    const r = await cli(['fp32.json', RTX3090_FP16_STEM, '--json']);
    expect(r.code).toBe(0);
    const diff = EngineDiff.parse(JSON.parse(r.stdout));
    expect(diff.cause).toBe('precision-change');
  });

  it('terminal and Markdown output; with profiles and TensorRT versions on both sides', async () => {
    const args = [
      RTX3090_FP32_LAYERS,
      RTX3090_FP32_LAYERS,
      '--base-profile',
      RTX3090_FP32_PROFILE,
      '--candidate-profile',
      RTX3090_FP32_PROFILE,
      '--base-trt',
      '10.8.0',
      '--candidate-trt',
      '10.8.0',
      '--base-device',
      'RTX 3090',
      '--candidate-device',
      'RTX 3090',
    ];
    const text = await cli(args);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^cause: identical: same layers, tactics and formats/);
    expect(text.stdout).not.toContain('not known for both sides');
    expect(text.stdout).toContain('per-layer GPU time: 12.4 → 12.4 ms');
    const md = await cli([...args, '--markdown']);
    expect(md.stdout).toMatch(/^\*\*Engine diff: identical\*\*/);
  });

  it('exit 4 for an unreadable or malformed export, 2 for bad usage', async () => {
    const missing = await cli(['nope.json', RTX3090_FP16_STEM]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('nope.json: cannot read the trtexec export');
    await writeFile(join(dir, 'bad.json'), '{"Layers": 3}');
    const bad = await cli(['bad.json', RTX3090_FP16_STEM]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain('"Layers" must be an array');
    expect((await cli([RTX3090_FP16_STEM])).code).toBe(2);
    expect((await cli([RTX3090_FP16_STEM, RTX3090_FP16_STEM, '--json', '--markdown'])).code).toBe(2);
    expect((await cli([RTX3090_FP16_STEM, RTX3090_FP16_STEM, '--limit', 'x'])).code).toBe(2);
  });
});
