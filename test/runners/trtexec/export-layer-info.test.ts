import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.js';
import {
  parseExportLayerInfo,
  precisionFromFormat,
} from '../../../src/runners/trtexec/parse/export-layer-info.js';
import { fixture } from './fixtures.js';

const INFO = 'trex-rtx3090-resnet50-fp32-exportLayerInfo-detailed.json';

describe('parseExportLayerInfo', () => {
  it('reads the real detailed ResNet-50 layer info', () => {
    const info = parseExportLayerInfo(fixture(INFO), INFO);
    expect(info.detailed).toBe(true);
    expect(info.layers).toHaveLength(103);
    expect(info.bindings).toEqual(['input_1', 'predictions']);
    expect(info.layers[1]).toMatchObject({
      name: 'Conv__435 + resnet50/conv1_relu/Relu',
      type: 'CaskConvolution',
      precision: 'fp32',
      tactic: 'ampere_scudnn_128x64_relu_medium_nn_v1',
      tacticValue: '0xf64396b97c889179',
    });
    expect(info.layers[1]?.outputs[0]).toEqual({
      name: 'resnet50/conv1_relu/Relu:0',
      dimensions: [32, 64, 112, 112],
      format: 'Row major linear FP32',
    });
    expect(info.layers.filter((l) => l.tactic && !l.tactic.startsWith('0x'))).toHaveLength(54);
    expect(info.layers.at(-1)).toMatchObject({ name: 'resnet50/predictions/Softmax', type: 'CudaSoftMax' });
    expect(new Set(info.layers.map((l) => l.precision))).toEqual(new Set(['fp32']));
  });

  it('accepts the names-only form', () => {
    const info = parseExportLayerInfo(fixture('synthetic-exportLayerInfo-names-only.json'), 'n.json');
    expect(info.detailed).toBe(false);
    expect(info.layers.map((l) => l.name)).toEqual(['conv1 + relu1', 'pool1', 'fc']);
    expect(info.layers[0]?.type).toBeUndefined();
    expect(info.bindings).toEqual(['input', 'output']);
  });

  it('accepts the 11.x form (I/O Tensors, separate DataType)', () => {
    const info = parseExportLayerInfo(fixture('synthetic-exportLayerInfo-trt11.json'), 't.json');
    expect(info.bindings).toEqual(['input', 'output']);
    expect(info.layers[0]).toMatchObject({ precision: 'fp16', tactic: '0x000000000000abcd' });
    expect(info.layers[1]).toMatchObject({ precision: 'fp32', tactic: 'sm90_xmma_gemm_f16f16_f32' });
  });

  it('maps format text to precision', () => {
    expect(precisionFromFormat('Thirty-two wide channel vectorized row major Int8 format')).toBe('int8');
    expect(precisionFromFormat('Two wide channel vectorized row major FP16 format')).toBe('fp16');
    expect(precisionFromFormat('BFloat16')).toBe('bf16');
    expect(precisionFromFormat('UInt8')).toBe('uint8');
    expect(precisionFromFormat('Row major linear')).toBeUndefined();
  });

  it('refuses what is not layer info', () => {
    expect(() => parseExportLayerInfo('[]', 'l.json')).toThrow(DataError);
    expect(() => parseExportLayerInfo('{"Layers": 3}', 'l.json')).toThrow(
      /l\.json: "Layers" must be an array/,
    );
    expect(() => parseExportLayerInfo('{"Layers": [{"LayerType": "Conv"}]}', 'l.json')).toThrow(
      /Layers\[0\]: "Name" must be a string/,
    );
  });
});
