import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineCacheKey, normalizeBuildArgs } from '../../../src/runners/trtexec/engine-cache.js';
import { dynamicInputs, onnxInputDims } from '../../../src/runners/trtexec/onnx-inputs.js';
import { parseExportOutput } from '../../../src/runners/trtexec/parse/export-output.js';
import { parseVersionString } from '../../../src/runners/trtexec/parse/version.js';
import { fullVersion } from '../../../src/runners/trtexec/runner.js';
import {
  InputDtypeError,
  outputsToTensorSet,
  writeInputFiles,
} from '../../../src/runners/trtexec/tensors.js';
import { writeReluModel } from '../../helpers/relu-model.js';
import { TINYCNN, tempDir } from '../../helpers/tiny-config.js';
import { FIXTURE_DIR } from './fixtures.js';

const v = (s: string) => parseVersionString(s)!;

describe('engine cache key', () => {
  it('ignores where files are written but not what is built', () => {
    const a = normalizeBuildArgs(
      [
        '--onnx=/a/m.onnx',
        '--saveEngine=/cache/.tmp-1.engine',
        '--fp16',
        '--optShapes=x:1x3',
        '--timingCacheFile=/c/t.cache',
        '--calib=/a/m.calib',
        '--skipInference',
      ],
      'abc',
    );
    expect(a).toEqual(['--fp16', '--optShapes=x:1x3', '--calib=sha256:abc', '--skipInference']);
    const parts = {
      onnxSha256: 'o',
      buildArgs: a,
      tensorrt: '10.3.0',
      gpuName: 'A10',
      computeCapability: '8.6',
    };
    const key = engineCacheKey(parts);
    expect(engineCacheKey({ ...parts })).toBe(key);
    for (const change of [
      { onnxSha256: 'o2' },
      { buildArgs: ['--optShapes=x:1x3', '--skipInference'] },
      { tensorrt: '10.3.1' },
      { gpuName: 'RTX 3090' },
      { computeCapability: '8.9' },
    ]) {
      expect(engineCacheKey({ ...parts, ...change })).not.toBe(key);
    }
    expect(fullVersion(v('10.6.0'))).toBe('10.6.0');
    expect(fullVersion({ ...v('10.6.0'), build: 26 })).toBe('10.6.0+b26');
  });
});

describe('ONNX input shapes', () => {
  it('finds symbolic dimensions, and treats an unreadable model as dynamic', async () => {
    expect(await onnxInputDims(TINYCNN.onnx)).toEqual(new Map([['image', [-1, 3, 32, 32]]]));
    expect(await dynamicInputs(TINYCNN.onnx, ['image', 'other'])).toEqual(new Set(['image']));
    const { dir, cleanup } = await tempDir();
    try {
      const staticModel = await writeReluModel(join(dir, 's.onnx'), 'x', 'y', [2, 4]);
      expect(await dynamicInputs(staticModel, ['x'])).toEqual(new Set());
      await writeFile(join(dir, 'junk.onnx'), 'not a protobuf \u00ff\u00fe');
      expect(await dynamicInputs(join(dir, 'junk.onnx'), ['x'])).toEqual(new Set(['x']));
    } finally {
      await cleanup();
    }
  });
});

describe('tensors for --loadInputs / from --exportOutput', () => {
  it('writes raw little-endian bytes and refuses dtypes trtexec cannot take', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const files = await writeInputFiles(
        dir,
        { x: { dtype: 'float32', dims: [2], data: Float32Array.from([1.5, -2]) } },
        v('10.3.0'),
      );
      expect(files).toEqual([{ name: 'x', file: join(dir, 'input-0.float32.bin') }]);
      expect([...readFileSync(files[0]!.file)]).toEqual([
        ...new Uint8Array(Float32Array.from([1.5, -2]).buffer),
      ]);
      const int8 = { q: { dtype: 'int8' as const, dims: [1], data: Int8Array.from([1]) } };
      await expect(writeInputFiles(dir, int8, v('10.3.0'))).rejects.toThrow(InputDtypeError);
      const int64 = { ids: { dtype: 'int64' as const, dims: [1], data: BigInt64Array.from([1n]) } };
      await expect(writeInputFiles(dir, int64, v('8.6.1'))).rejects.toThrow(
        /input ids is int64: TensorRT 8\.6\.1 has no int64 I\/O/,
      );
      await expect(writeInputFiles(dir, int64, v('10.3.0'))).resolves.toHaveLength(1);
    } finally {
      await cleanup();
    }
  });

  it('keeps nan/inf from --exportOutput as float32 NaN/±Infinity', () => {
    const file = join(FIXTURE_DIR, 'synthetic-exportOutput-nan-inf.json');
    const set = outputsToTensorSet(parseExportOutput(readFileSync(file, 'utf8'), file));
    expect(set.logits!.dims).toEqual([2, 3]);
    expect([...(set.logits!.data as Float32Array)]).toEqual([
      0.125,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      Math.fround(1.5e-5),
    ]);
    expect(set.score).toMatchObject({ dtype: 'float32', dims: [1] });
  });
});
