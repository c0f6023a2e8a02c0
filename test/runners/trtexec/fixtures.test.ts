import { describe, expect, it } from 'vitest';
import { fixtureFiles } from './fixtures.js';

/** Every fixture file is read by at least one test file; a new fixture without a test fails here. */
const COVERED: Record<string, string> = {
  'trex-rtx3090-resnet50-fp32-exportLayerInfo-detailed.json': 'export-layer-info, export-profile',
  'trex-rtx3090-resnet50-fp32-exportProfile.json': 'export-profile',
  'trex-rtx3090-resnet50-fp32-exportTimes.json': 'export-times',
  'trex-rtx3090-resnet50-qat-int8-exportLayerInfo-stem.json': 'engine-precision, strongly-typed',
  'trt10.3.0-build-oom-engine-not-created.log': 'classify, version, log',
  'trt10.x-build-memory-engine-built-size.log': 'build-log, performance-summary',
  'trt10.x-inference-setup-trace-perf-summary.log': 'performance-summary, build-log, log',
  'trt8.6.3-device-info-build-start.log': 'build-log, version',
  'synthetic-exportLayerInfo-names-only.json': 'export-layer-info',
  'synthetic-exportLayerInfo-trt11.json': 'export-layer-info',
  'synthetic-exportOutput-nan-inf.json': 'export-output',
  'synthetic-exportTimes-legacy-trt8.0.json': 'export-times',
  'synthetic-failure-engine-mismatch.log': 'classify',
  'synthetic-failure-kmin-profile.log': 'classify',
  'synthetic-failure-no-profile.log': 'classify',
  'synthetic-failure-unknown-option.log': 'classify',
  'synthetic-failure-unsupported-op.log': 'classify',
  'synthetic-failure-version-tag.log': 'classify',
  'synthetic-trt10.6-perf-summary-complete.log': 'performance-summary, version',
  'synthetic-trt11.0-header.log': 'version',
  'synthetic-trt8.4-perf-summary.log': 'performance-summary, version',
};

describe('trtexec fixtures', () => {
  it('has a test for every fixture file and no stale entries', () => {
    expect(fixtureFiles().sort()).toEqual(Object.keys(COVERED).sort());
  });
});
