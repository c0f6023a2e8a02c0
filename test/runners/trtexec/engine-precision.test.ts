/**
 * The precision label of a strongly typed engine, read from real `--exportLayerInfo` exports (TREx
 * examples, RTX 3090, ResNet-50): the fp32 build, the first layers of the fp16 build and of the
 * quantization-aware (Q/DQ, explicit INT8) build. Provenance in each `.source.txt`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.js';
import {
  describeEnginePrecision,
  precisionOfLayers,
  readEnginePrecision,
} from '../../../src/runners/trtexec/engine-precision.js';
import { parseExportLayerInfo } from '../../../src/runners/trtexec/parse/export-layer-info.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const FP32 = 'trtexec/trex-rtx3090-resnet50-fp32-exportLayerInfo-detailed.json';
const FP16 = 'trtexec-diff/trex-rtx3090-resnet50-fp16-exportLayerInfo-stem.json';
const QAT = 'trtexec/trex-rtx3090-resnet50-qat-int8-exportLayerInfo-stem.json';
const NAMES = 'trtexec/synthetic-exportLayerInfo-names-only.json';

const info = (name: string) => parseExportLayerInfo(readFileSync(`${FIXTURES}${name}`, 'utf8'), name);

describe('precisionOfLayers', () => {
  it('labels the fp32 build fp32: every compute layer writes FP32', () => {
    const p = precisionOfLayers(info(FP32), FP32);
    expect(p.label).toBe('fp32');
    // 103 layers; the 13 Reformat, 31 NoOp and 1 Shuffle only move data.
    expect(p.layers).toEqual({ fp32: 103 });
    expect(p.computeLayers).toEqual({ fp32: 58 });
    expect(describeEnginePrecision(p)).toBe('fp32 in 58 of 58 compute layers (fp32 58)');
  });

  it('labels the fp16 build fp16 although its input transpose stays FP32', () => {
    const p = precisionOfLayers(info(FP16), FP16);
    expect(p.label).toBe('fp16');
    expect(p.layers).toEqual({ fp32: 1, fp16: 11 });
    expect(p.computeLayers).toEqual({ fp16: 7 });
  });

  it('labels the Q/DQ build int8: the input pad is FP32, the quantized convolutions and pooling Int8', () => {
    const p = precisionOfLayers(info(QAT), QAT);
    expect(p.label).toBe('int8');
    expect(p.layers).toEqual({ fp32: 1, int8: 6 });
    expect(p.computeLayers).toEqual({ fp32: 1, int8: 4 });
    expect(describeEnginePrecision(p)).toBe('int8 in 4 of 5 compute layers (int8 4, fp32 1)');
  });

  it('breaks a tie toward the more quantized type', () => {
    // The fp16 stem's 7 compute layers beside the first 7 compute layers of the fp32 build.
    const fp32 = info(FP32)
      .layers.filter((l) => !['Reformat', 'NoOp', 'Shuffle'].includes(l.type!))
      .slice(0, 7);
    const mixed = { ...info(FP16), layers: [...info(FP16).layers, ...fp32] };
    const p = precisionOfLayers(mixed, 'mixed');
    expect(p.computeLayers).toEqual({ fp16: 7, fp32: 7 });
    expect(p.label).toBe('fp16');
  });

  it('gives no label for names-only layer information, saying why', () => {
    const p = precisionOfLayers(info(NAMES), NAMES);
    expect(p.label).toBeUndefined();
    expect(p.note).toMatch(/built without --profilingVerbosity=detailed/);
  });

  it('reads a file, and names a missing one', async () => {
    expect((await readEnginePrecision(`${FIXTURES}${QAT}`)).label).toBe('int8');
    const error = await readEnginePrecision(`${FIXTURES}trtexec/missing.layers.json`).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/missing\.layers\.json: trtexec wrote no layer information/);
  });
});
