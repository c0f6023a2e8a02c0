import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.js';
import { LayerTiming } from '../../../src/results/schema.js';
import { parseExportLayerInfo } from '../../../src/runners/trtexec/parse/export-layer-info.js';
import { guessLayerType, parseExportProfile } from '../../../src/runners/trtexec/parse/export-profile.js';
import { fixture } from './fixtures.js';

const PROFILE = 'trex-rtx3090-resnet50-fp32-exportProfile.json';
const INFO = 'trex-rtx3090-resnet50-fp32-exportLayerInfo-detailed.json';

describe('parseExportProfile', () => {
  it('reads the real ResNet-50 profile', () => {
    const p = parseExportProfile(fixture(PROFILE), PROFILE);
    expect(p.count).toBe(1);
    expect(p.layers).toHaveLength(103);
    expect(p.layers[1]).toMatchObject({
      name: 'Conv__435 + resnet50/conv1_relu/Relu',
      index: 1,
      averageMs: 0.433152,
      medianMs: 0.433152,
      percentage: 3.49323,
      type: 'Convolution',
    });
    expect(p.layers[102]).toMatchObject({
      name: 'resnet50/predictions/Softmax',
      index: 102,
      averageMs: 0.004096,
    });
    expect(p.totalAverageMs).toBeCloseTo(12.399744, 6);
    for (const layer of p.layers) expect(LayerTiming.safeParse(layer).success).toBe(true);
  });

  it('takes type, precision and tactic from --exportLayerInfo when given', () => {
    const info = parseExportLayerInfo(fixture(INFO), INFO);
    const p = parseExportProfile(fixture(PROFILE), PROFILE, info);
    // The name suggests a convolution, but TensorRT made it a Shuffle (a transpose).
    expect(guessLayerType(p.layers[0]!.name)).toBe('Convolution');
    expect(p.layers[0]).toMatchObject({ type: 'Shuffle', precision: 'fp32', tactic: '0x0000000000000000' });
    expect(p.layers[1]).toMatchObject({
      type: 'CaskConvolution',
      tactic: 'ampere_scudnn_128x64_relu_medium_nn_v1',
    });
  });

  it('guesses types from names when no layer info is given', () => {
    expect(guessLayerType('Reformatting CopyNode for Input Tensor 0 to resnet50/avg_pool/Mean')).toBe(
      'Reformat',
    );
    expect(guessLayerType('resnet50/pool1_pad/Pad')).toBe('Padding');
    expect(guessLayerType('resnet50/pool1_pool/MaxPool')).toBe('Pooling');
    expect(guessLayerType('resnet50/predictions/MatMul')).toBe('MatrixMultiply');
    expect(guessLayerType('reshape_after_resnet50/predictions/MatMul')).toBe('Shuffle');
    expect(guessLayerType('{ForeignNode[/1/Constant_36_output_0.../1/Slice_4]}')).toBe('Myelin');
    expect(guessLayerType('node_of_gpu_0/res2_0_branch2a_1')).toBeUndefined();
  });

  it('refuses files that are not a trtexec profile', () => {
    expect(() => parseExportProfile('{}', 'p.json')).toThrow(DataError);
    expect(() => parseExportProfile('[{"name": "a", "averageMs": 1}]', 'p.json')).toThrow(
      /p\.json: first entry must be \{ "count": N \}/,
    );
    expect(() => parseExportProfile('[{"count": 1}, {"name": "a", "averageMs": null}]', 'p.json')).toThrow(
      /entry 1 \(a\): averageMs: expected a finite number, found null/,
    );
    expect(() => parseExportProfile('[{"count": 1.5}]', 'p.json')).toThrow(
      /count must be a non-negative integer/,
    );
  });
});
