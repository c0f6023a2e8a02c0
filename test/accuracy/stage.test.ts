import { access, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { RecordingObserver } from '../../src/pipeline/events.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { createRunner } from '../../src/runners/create.js';
import { REPO_ROOT, shippedModel, tempDir, tinyConfigText, writeConfig } from '../helpers/tiny-config.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-stage-'));
});
afterEach(async () => cleanup());

const MLP_SET = join(REPO_ROOT, 'examples', 'quickstart', 'data', 'mlp-labelled.npz');

async function run(validation: string, extra = '') {
  const text = tinyConfigText([
    {
      name: 'mlp',
      onnx: shippedModel('mlp-fp32.onnx'),
      precisions: ['fp32', 'int8'],
      variants: { int8: shippedModel('mlp-int8.onnx') },
      input: { name: 'features', shape: [64, 64] },
    },
  ]).replace('    inputs:', `    validation: ${validation}\n    inputs:`);
  const loaded = await loadConfig(
    await writeConfig(dir, extra ? text.replace(/accuracy: \{ samples: 4 \}/, extra) : text),
  );
  const runner = await createRunner(loaded, join(dir, 'out'));
  const observer = new RecordingObserver();
  try {
    return { results: await runPipeline({ loaded, runner, workDir: join(dir, 'out'), observer }), observer };
  } finally {
    await runner.close();
  }
}

describe('the accuracy stage with validation data', () => {
  it('a seeded subset is used and recorded; both precisions see the same items', async () => {
    const { results } = await run(`{ data: ${JSON.stringify(MLP_SET)}, maxItems: 200, seed: 3 }`);
    const [fp32, int8] = results.entries.map((e) => e.accuracy!);
    expect(fp32!.validation).toMatchObject({ total: 512, items: 192 }); // 3 whole batches of 64
    expect(fp32!.validation!.subset!.seed).toBe(3);
    expect(fp32!.validation!.subset!.indices).toHaveLength(192);
    expect(int8!.validation!.subset).toEqual(fp32!.validation!.subset);
    expect(fp32!.samples).toBe(3);
    expect(int8!.validation!.labelled!.reference).toEqual({
      top1: fp32!.validation!.labelled!.top1,
      top5: fp32!.validation!.labelled!.top5,
    });
  });

  it('a bad validation set fails the run before any entry is built', async () => {
    await copyFile(join(REPO_ROOT, 'test', 'fixtures', 'npy', 'set-deflated.npz'), join(dir, 'other.npz'));
    const attempt = run(`{ data: other.npz }`);
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(access(join(dir, 'out', 'engines'))).rejects.toThrow(/ENOENT/); // nothing was built
    await expect(run(`{ data: other.npz }`)).rejects.toThrow(
      /models\[0\]\.validation\.data: .*no array named "features"/,
    );
    await expect(
      run(`{ data: ${JSON.stringify(MLP_SET)}, labels: ${JSON.stringify(MLP_SET)} }`),
    ).rejects.toThrow(DataError);
  });

  it('a limit on labelled accuracy without labels fails instead of passing unchecked', async () => {
    await copyFile(MLP_SET, join(dir, 'unlabelled.npz'));
    const { results } = await run(
      `{ data: unlabelled.npz, labelsArray: nothing }`,
      'accuracy: { samples: 4, limits: { default: { top1Drop: { max: 0.01 } } } }',
    );
    const acc = results.entries[0]!.accuracy!;
    expect(acc.validation!.labelled).toBeUndefined();
    expect(acc.passed).toBe(false);
    expect(acc.violations[0]!.message).toMatch(/no labelled validation data/);
  });
});
