import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calibrationCacheText, scaleHex, tensorrtVersionCode } from '../../src/accuracy/calibration.js';
import { npyValues } from '../../src/inputs/npy.js';
import { parseNpz } from '../../src/inputs/npz.js';
import { seededSubset } from '../../src/inputs/validation.js';
import { REPO_ROOT, shippedModel, tempDir } from '../helpers/tiny-config.js';
import { runWithDouble, trtexecConfig } from '../runners/trtexec/double/pipeline.js';

const MLP_SET = join(REPO_ROOT, 'examples', 'quickstart', 'data', 'mlp-labelled.npz');

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-calib-'));
});
afterEach(async () => cleanup());

function config(calibration: string, extra: string[] = []): string {
  return trtexecConfig([
    {
      name: 'mlp',
      onnx: shippedModel('mlp-fp32.onnx'),
      precisions: ['int8'],
      input: { name: 'features', shape: [64, 64] },
      lines: [`calibration: ${calibration}`, ...extra],
    },
  ]).replace(/accuracy: \{[^}]*\}/, 'accuracy: { enabled: false }');
}

async function calibOf(run: Awaited<ReturnType<typeof runWithDouble>>) {
  const build = run.invocations.find((i) => i.mode === 'build');
  const arg = build?.argv.find((a) => a.startsWith('--calib='));
  const details = run.results.entries[0]!.build!.details as {
    calibration?: { status: string; message: string; path: string };
  };
  return {
    arg,
    info: details.calibration!,
    text: arg ? await readFile(arg.slice('--calib='.length), 'utf8') : '',
  };
}

describe('INT8 calibration caches for trtexec', () => {
  it('packs versions and scales the way TensorRT writes them', () => {
    expect(tensorrtVersionCode('8.6.1')).toBe(8601);
    expect(tensorrtVersionCode('10.3.0')).toBe(100300);
    expect(tensorrtVersionCode('10.6.0+b26')).toBe(100600);
    expect(scaleHex(1 / 127)).toBe('3c010204'); // the scale of an input in [0, 1]
    expect(calibrationCacheText('10.3.0', new Map([['x', 127]]))).toBe(
      'TRT-100300-EntropyCalibration2\nx: 3f800000\n',
    );
  });

  it('builds the int8 engine with --calib from the calibration set; the same model and data reuse it', async () => {
    const first = await calibOf(
      await runWithDouble(dir, config(`{ data: ${JSON.stringify(MLP_SET)}, maxItems: 128, seed: 5 }`)),
    );
    expect(first.arg).toBeDefined();
    expect(first.info.status).toBe('made');
    const lines = first.text.trimEnd().split('\n');
    expect(lines[0]).toBe('TRT-100300-EntropyCalibration2');
    const names = lines.slice(1).map((l) => l.split(': ')[0]);
    expect(names).toEqual(['features', 'fc1', 'fc1.relu', 'fc2', 'fc2.relu', 'logits']);
    // The input's scale is its largest magnitude over exactly the recorded subset, / 127.
    const arrays = parseNpz(new Uint8Array(await readFile(MLP_SET)), 'set');
    const values = npyValues(arrays.get('features')!);
    let amax = 0;
    for (const i of seededSubset(512, 128, 5))
      for (let j = 0; j < 64; j++) amax = Math.max(amax, Math.abs(values[i * 64 + j]!));
    expect(lines[1]).toBe(`features: ${scaleHex(amax / 127)}`);

    const again = await runWithDouble(
      dir,
      config(`{ data: ${JSON.stringify(MLP_SET)}, maxItems: 128, seed: 5 }`),
    );
    const second = await calibOf(again);
    expect(second.info.status).toBe('reused');
    expect(`--calib=${second.info.path}`).toBe(first.arg);
    // Same model, data and version: the calibration cache's hash keys the engine cache, which hits.
    expect(again.results.entries[0]!.build!.cached).toBe(true);
  });

  it('a configured cache path is remade, and called stale, when the data changed', async () => {
    const cache = JSON.stringify(join(dir, 'mlp.cache'));
    const made = await calibOf(
      await runWithDouble(
        dir,
        config(`{ data: ${JSON.stringify(MLP_SET)}, maxItems: 64 }`, [`calibrationCache: ${cache}`]),
      ),
    );
    expect(made.info.status).toBe('made');
    expect(made.arg).toBe(`--calib=${join(dir, 'mlp.cache')}`);
    const again = await calibOf(
      await runWithDouble(
        dir,
        config(`{ data: ${JSON.stringify(MLP_SET)}, maxItems: 64, seed: 9 }`, [`calibrationCache: ${cache}`]),
      ),
    );
    expect(again.info.status).toBe('regenerated');
    expect(again.info.message).toMatch(/was stale \(the calibration data changed\)/);
    expect(again.text).not.toBe(made.text);
  });

  it('TensorRT 8.6 gets its own version in the header (a cache is not shared across versions)', async () => {
    const run = await runWithDouble(dir, config(`{ data: ${JSON.stringify(MLP_SET)}, maxItems: 64 }`), {
      TRTEXEC_DOUBLE_VERSION: '8.6',
    });
    const { text } = await calibOf(run);
    expect(text.split('\n')[0]).toBe('TRT-8601-EntropyCalibration2');
  });
});
