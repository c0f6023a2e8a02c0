import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  decodePackedVersion,
  detectTrtVersion,
  parseVersionString,
} from '../../../src/runners/trtexec/parse/version.js';
import { fixture } from './fixtures.js';

describe('detectTrtVersion', () => {
  it('decodes the 8.x banner (v8601 = 8.6.1)', () => {
    const v = detectTrtVersion('&&&& RUNNING TensorRT.trtexec [TensorRT v8601] # trtexec --onnx=a.onnx');
    expect(v).toMatchObject({ major: 8, minor: 6, patch: 1 });
    expect(v?.build).toBeUndefined();
  });

  it('decodes the 10.x banner (v100200 = 10.2.0) and a two-digit minor (v101303 = 10.13.3)', () => {
    expect(detectTrtVersion('&&&& RUNNING TensorRT.trtexec [TensorRT v100200] # x')).toMatchObject({
      major: 10,
      minor: 2,
      patch: 0,
    });
    expect(detectTrtVersion('&&&& RUNNING TensorRT.trtexec [TensorRT v101303] [b9] # x')).toMatchObject({
      major: 10,
      minor: 13,
      patch: 3,
      build: 9,
    });
  });

  it('reads the build tag of 10.4+ banners', () => {
    const v = detectTrtVersion(fixture('synthetic-trt10.6-perf-summary-complete.log'));
    expect(v).toMatchObject({ major: 10, minor: 6, patch: 0, build: 26 });
    expect(v?.raw).toBe('&&&& RUNNING TensorRT.trtexec [TensorRT v100600] [b26]');
  });

  it('reads the 8.4 banner of a PASSED run', () => {
    expect(detectTrtVersion(fixture('synthetic-trt8.4-perf-summary.log'))).toMatchObject({
      major: 8,
      minor: 4,
      patch: 1,
    });
  });

  it('falls back to the "TensorRT version:" line (real 8.6.3 log)', () => {
    const v = detectTrtVersion(fixture('trt8.6.3-device-info-build-start.log'));
    expect(v).toMatchObject({ major: 8, minor: 6, patch: 3 });
    expect(v?.raw).toBe('TensorRT version: 8.6.3');
  });

  it('reads an 11.x header', () => {
    expect(detectTrtVersion(fixture('synthetic-trt11.0-header.log'))).toMatchObject({
      major: 11,
      minor: 1,
      patch: 0,
      build: 12,
    });
  });

  it('returns undefined when no version is printed (real 10.3 OOM excerpt)', () => {
    expect(detectTrtVersion(fixture('trt10.3.0-build-oom-engine-not-created.log'))).toBeUndefined();
    expect(detectTrtVersion('TensorRT version: unknown')).toBeUndefined();
  });

  it('rejects packed numbers that are not versions', () => {
    expect(decodePackedVersion('12')).toBeUndefined();
    expect(decodePackedVersion('1234567')).toBeUndefined();
  });
});

describe('parseVersionString / compareVersions', () => {
  it('parses 8.6.1.6 with a build component and orders versions', () => {
    const v = parseVersionString('8.6.1.6');
    expect(v).toMatchObject({ major: 8, minor: 6, patch: 1, build: 6 });
    expect(parseVersionString('ten')).toBeUndefined();
    expect(compareVersions(v!, { major: 10, minor: 0, patch: 0 })).toBeLessThan(0);
    expect(
      compareVersions({ major: 10, minor: 13, patch: 0 }, { major: 10, minor: 2, patch: 9 }),
    ).toBeGreaterThan(0);
  });
});
