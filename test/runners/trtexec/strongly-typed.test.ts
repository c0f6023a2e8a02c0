/**
 * Strongly typed builds through the trtexec double (issue 11): no precision flag is passed (trtexec would
 * turn it off, or has none on 11.x), the engine is built with its layer information, and the entry is
 * labelled only with a precision its engine holds; the double writes real TREx layer exports.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../helpers/tiny-config.js';
import type { Invocation } from './double/helpers.js';
import { type DoubleModel, recordOutputs, runWithDouble, TINYCNN, trtexecConfig } from './double/pipeline.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-trtexec-strong-'));
  await recordOutputs(join(dir, 'outputs.json'), [TINYCNN]);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await cleanup();
});

const FP16_LAYERS = 'trtexec-diff/trex-rtx3090-resnet50-fp16-exportLayerInfo-stem.json';
const QAT_LAYERS = 'trtexec/trex-rtx3090-resnet50-qat-int8-exportLayerInfo-stem.json';
const FP16: DoubleModel = { ...TINYCNN, precisions: ['fp16'] };
const builds = (invocations: Invocation[]) => invocations.filter((i) => i.mode === 'build');
const flags = (argv: string[]) => argv.filter((a) => !a.includes('/'));

describe('strongly typed engines are labelled from their layer information', () => {
  it('11.1: fp16 builds without a precision flag, and is fp16 because its layers are', async () => {
    const run = await runWithDouble(dir, trtexecConfig([FP16], 'nvidiaSmi: false'), {
      TRTEXEC_DOUBLE_VERSION: '11.1',
      TRTEXEC_DOUBLE_LAYER_INFO: FP16_LAYERS,
    });
    const entry = run.results.entries[0]!;
    expect([entry.id, entry.status, entry.precision]).toEqual(['tinycnn/fp16/b1', 'ok', 'fp16']);
    expect(entry.build?.details?.enginePrecision).toMatchObject({
      label: 'fp16',
      computeLayers: { fp16: 7 },
    });
    const argv = builds(run.invocations)[0]!.argv;
    expect(flags(argv)).toEqual([
      '--optShapes=image:1x3x32x32',
      '--profilingVerbosity=detailed',
      '--skipInference',
    ]);
    expect(argv.some((a) => /^--exportLayerInfo=.*tinycnn-fp16-b1\.layers\.json$/.test(a))).toBe(true);
  });

  it('11.1: an fp16 entry whose engine is fp32 fails, saying what the layers show', async () => {
    const run = await runWithDouble(dir, trtexecConfig([FP16], 'nvidiaSmi: false'), {
      TRTEXEC_DOUBLE_VERSION: '11.1',
    });
    const entry = run.results.entries[0]!;
    expect(entry.status).toBe('failed');
    expect(entry.latency).toBeUndefined();
    expect(entry.incidents[0]).toMatchObject({
      kind: 'engine-build-failure',
      title: 'engine holds fp32, not fp16',
    });
    expect(entry.incidents[0]!.message).toContain(
      'its layers show fp32 in 58 of 58 compute layers (fp32 58)',
    );
    expect(entry.incidents[0]!.message).toContain('models[name=tinycnn].precisions');
  });

  it('10.3 with --stronglyTyped: no --fp16 beside it, and a Q/DQ engine is int8, not fp16', async () => {
    const config = trtexecConfig([FP16], "nvidiaSmi: false\nextraBuildFlags: ['--stronglyTyped']");
    const run = await runWithDouble(dir, config, {
      TRTEXEC_DOUBLE_VERSION: '10.3',
      TRTEXEC_DOUBLE_LAYER_INFO: QAT_LAYERS,
    });
    const entry = run.results.entries[0]!;
    expect(entry.status).toBe('failed');
    expect(entry.incidents[0]!.title).toBe('engine holds int8, not fp16');
    const argv = flags(builds(run.invocations)[0]!.argv);
    expect(argv).toContain('--stronglyTyped');
    expect(argv).not.toContain('--fp16');
  });

  it('10.3 without --stronglyTyped is unchanged: --fp16, no layer information', async () => {
    const run = await runWithDouble(dir, trtexecConfig([FP16], 'nvidiaSmi: false'), {
      TRTEXEC_DOUBLE_VERSION: '10.3',
    });
    expect(run.results.entries[0]!.status).toBe('ok');
    const argv = builds(run.invocations)[0]!.argv;
    expect(flags(argv)).toEqual(['--fp16', '--optShapes=image:1x3x32x32', '--skipInference']);
    expect(run.results.entries[0]!.build?.details?.enginePrecision).toBeUndefined();
  });
});
