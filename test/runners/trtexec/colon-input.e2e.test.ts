/**
 * A TF-style input name (`input:0`) end to end through the trtexec runner and its executable double
 * (issue 11): the model's input really is named `input:0`, the benchmark and accuracy runs pass
 * `--loadInputs='input:0':<file>` as one argv entry, which trtexec's splitNameAndValue (the double does
 * the same) reads back as that name and file, and no shell sits in between: the quotes arrive as written
 * (a shell would strip them) and a `$(…)` in the model's path reaches trtexec as text, never run.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeReluModel } from '../../helpers/relu-model.js';
import { tempDir } from '../../helpers/tiny-config.js';
import { randomInput, writeRecordedOutputs } from './double/helpers.js';
import { type DoubleModel, runWithDouble, trtexecConfig } from './double/pipeline.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-trtexec-colon-'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await cleanup();
});

describe('an input named input:0', () => {
  it('reaches trtexec quoted, as one argument, without a shell', async () => {
    // A directory name a shell would expand: the runner must pass it verbatim.
    const weird = join(dir, 'models $(touch INJECTED) `touch INJECTED2`');
    await mkdir(weird);
    const onnx = await writeReluModel(join(weird, 'tf-style.onnx'), 'input:0', 'Identity:0', [1, 8]);
    await writeRecordedOutputs(join(dir, 'outputs.json'), [
      { onnx, inputs: [randomInput('input:0', [1, 8], 0)], samples: 2 },
    ]);
    const model: DoubleModel = {
      name: 'tfrelu',
      onnx,
      input: { name: 'input:0', shape: [1, 8] },
      inputLine: '    inputs: [{ name: "input:0", shape: [1, 8] }]',
    };
    const { results, invocations } = await runWithDouble(dir, trtexecConfig([model], 'nvidiaSmi: false'));

    const entry = results.entries[0]!;
    expect(entry.status).toBe('ok');
    // The double answered --exportOutput with the outputs recorded for exactly these bytes under the
    // name input:0, so the accuracy check passing means trtexec-style parsing got name and file right.
    expect(entry.accuracy!.passed).toBe(true);

    const withInputs = invocations.filter((i) => i.argv.some((a) => a.startsWith('--loadInputs=')));
    expect(withInputs.map((i) => i.mode).sort()).toEqual(['benchmark', 'infer', 'infer']);
    for (const inv of withInputs) {
      const arg = inv.argv.filter((a) => a.startsWith('--loadInputs='));
      expect(arg).toHaveLength(1);
      const m = /^--loadInputs='input:0':(.+)$/.exec(arg[0]!);
      expect(m, arg[0]).not.toBeNull();
      expect(m![1]).toMatch(/input-0\.float32\.bin$/);
    }
    const build = invocations.find((i) => i.mode === 'build')!;
    expect(build.argv).toContain(`--onnx=${onnx}`);
    for (const marker of ['INJECTED', 'INJECTED2']) {
      expect(existsSync(join(dir, marker))).toBe(false);
      expect(existsSync(join(process.cwd(), marker))).toBe(false);
    }
  });
});
