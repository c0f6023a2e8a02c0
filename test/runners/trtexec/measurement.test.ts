import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../../src/errors.js';
import { benchmarkArgs, buildArgs, UnsupportedOptionError } from '../../../src/runners/trtexec/flags.js';
import { defaultMode, effectiveMode, measurementRunFlags } from '../../../src/runners/trtexec/measurement.js';
import { parseVersionString } from '../../../src/runners/trtexec/parse/version.js';

const v = (s: string) => parseVersionString(s)!;
const BUILD = { onnx: 'm.onnx', saveEngine: 'm.plan' };

function caught(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error('did not throw');
}

describe('measurement semantics per TensorRT version', () => {
  it('11.x changed the defaults: transfers off, spin-wait and CUDA graphs on', () => {
    expect(defaultMode(v('10.14.0'))).toEqual({
      dataTransfers: true,
      spinWait: false,
      cudaGraph: false,
      tf32: true,
    });
    expect(defaultMode(v('11.0.0'))).toEqual({
      dataTransfers: false,
      spinWait: true,
      cudaGraph: true,
      tf32: true,
    });
  });

  it('the same config measures the same thing on 10.x and 11.x', () => {
    const pre11 = { dataTransfers: true, spinWait: false, cudaGraph: false };
    expect(measurementRunFlags(pre11, v('10.9.0'))).toEqual([]);
    expect(measurementRunFlags(pre11, v('11.0.0'))).toEqual([
      '--includeDataTransfers',
      '--noSpinWait',
      '--noCudaGraph',
    ]);
    expect(effectiveMode(pre11, v('11.0.0'))).toEqual(effectiveMode(pre11, v('10.9.0')));
    // Left to defaults, the definition changes with the version: the options hash sees it.
    expect(effectiveMode({}, v('11.0.0'))).not.toEqual(effectiveMode({}, v('10.9.0')));
  });

  it('--noTF32 for real fp32; sameComputeCapability only from 10.9', () => {
    expect(buildArgs({ ...BUILD, noTF32: true }, v('8.6.1'))).toContain('--noTF32');
    const old = caught(() =>
      buildArgs({ ...BUILD, hardwareCompatibilityLevel: 'sameComputeCapability' }, v('10.8.0')),
    );
    expect(old).toBeInstanceOf(UnsupportedOptionError);
    expect(old.issues[0]?.path).toBe('runner.hardwareCompatibilityLevel');
    expect(
      buildArgs({ ...BUILD, hardwareCompatibilityLevel: 'sameComputeCapability' }, v('10.9.0')),
    ).toContain('--hardwareCompatibilityLevel=sameComputeCapability');
    expect(buildArgs({ ...BUILD, hardwareCompatibilityLevel: 'ampere+' }, v('8.6.1'))).toContain(
      '--hardwareCompatibilityLevel=ampere+',
    );
  });

  it('11.0 removed --layerOutputTypes; --best with --stronglyTyped is refused with its config path', () => {
    const removed = caught(() =>
      buildArgs({ ...BUILD, extraFlags: ['--layerOutputTypes=fp32'] }, v('11.0.0')),
    );
    expect(removed.issues[0]?.path).toBe('runner.extraFlags[0]');
    const both = caught(() =>
      buildArgs({ ...BUILD, extraFlags: ['--stronglyTyped', '--best'] }, v('10.14.0')),
    );
    expect(both.issues[0]).toMatchObject({ path: 'runner.extraFlags[1]' });
    expect(both.issues[0]?.message).toContain('--best and --stronglyTyped cannot be combined');
  });

  it('never emits deprecated no-ops on 11.x', () => {
    const args = benchmarkArgs(
      { loadEngine: 'e', separateProfileRun: true, noDataTransfers: true, useSpinWait: true },
      v('11.0.0'),
    );
    expect(args).toEqual(['--loadEngine=e']);
  });
});
