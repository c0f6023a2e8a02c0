import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  benchmarkArgs,
  buildArgs,
  describeVersionRules,
  UnsupportedOptionError,
} from '../../../src/runners/trtexec/flags.js';
import type { TrtVersion } from '../../../src/runners/trtexec/parse/version.js';

const v = (major: number, minor: number, patch = 0): TrtVersion => ({
  major,
  minor,
  patch,
  raw: `${major}.${minor}.${patch}`,
});
const V86 = v(8, 6, 1);
const V10 = v(10, 3);
const V11 = v(11, 0);

function caught(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('buildArgs', () => {
  const base = { onnx: '/m/model with space.onnx', saveEngine: '/w/model.plan' };

  it('maps a full 8.6 build, workspace as --memPoolSize', () => {
    expect(
      buildArgs(
        {
          ...base,
          precision: 'int8',
          calib: '/m/calib.cache',
          minShapes: ['input:1x3x224x224'],
          optShapes: [{ name: 'input', dims: [8, 3, 224, 224] }],
          maxShapes: [{ name: 'input', dims: [16, 3, 224, 224] }],
          timingCacheFile: '/c/timing.cache',
          workspaceMiB: 2048,
          builderOptimizationLevel: 3,
          hardwareCompatibilityLevel: 'ampere+',
          profilingVerbosity: 'detailed',
          exportLayerInfo: '/w/layers.json',
        },
        V86,
      ),
    ).toEqual([
      '--onnx=/m/model with space.onnx',
      '--saveEngine=/w/model.plan',
      '--int8',
      '--calib=/m/calib.cache',
      '--minShapes=input:1x3x224x224',
      '--optShapes=input:8x3x224x224',
      '--maxShapes=input:16x3x224x224',
      '--timingCacheFile=/c/timing.cache',
      '--memPoolSize=workspace:2048',
      '--builderOptimizationLevel=3',
      '--hardwareCompatibilityLevel=ampere+',
      '--profilingVerbosity=detailed',
      '--exportLayerInfo=/w/layers.json',
      '--skipInference',
    ]);
  });

  it('allows bf16 on 10.x but refuses it on 8.6 with a typed error naming the version', () => {
    expect(buildArgs({ ...base, precision: 'bf16' }, V10)).toContain('--bf16');
    const e = caught(() => buildArgs({ ...base, precision: 'bf16' }, V86));
    expect(e).toBeInstanceOf(UnsupportedOptionError);
    expect(e.issues).toEqual([
      {
        file: 'trt-gate.yml',
        path: 'runner.precision',
        message: 'precision bf16 needs TensorRT 10 or later, found 8.6.1',
      },
    ]);
  });

  it('emits no precision flag on 11.x (strongly typed: the label is read from the engine); refuses best and --calib', () => {
    for (const precision of ['fp32', 'fp16', 'bf16', 'int8'] as const) {
      const args = buildArgs({ ...base, precision }, V11);
      expect(args.some((a) => /^--(fp16|bf16|int8|best|stronglyTyped)$/.test(a))).toBe(false);
    }
    const e = caught(() => buildArgs({ ...base, precision: 'best', calib: 'c.cache' }, V11));
    expect(e).toBeInstanceOf(UnsupportedOptionError);
    expect((e as UnsupportedOptionError).tensorrt).toBe('11.0.0');
    expect(e.issues.map((i) => i.path)).toEqual(['runner.precision', 'runner.calib']);
    expect(e.message).toMatch(
      /trt-gate\.yml: runner\.precision: precision best cannot be set on TensorRT 11\.0\.0/,
    );
  });

  it('with --stronglyTyped on 10.x: no precision flag, and a calibration cache is refused', () => {
    const strong = { ...base, extraFlags: ['--stronglyTyped'] };
    expect(buildArgs({ ...strong, precision: 'fp16' }, V10).filter((a) => !a.includes('/'))).toEqual([
      '--skipInference',
      '--stronglyTyped',
    ]);
    const e = caught(() => buildArgs({ ...strong, precision: 'int8', calib: 'c.cache' }, V10));
    expect(e).not.toBeInstanceOf(UnsupportedOptionError);
    expect(e.issues[0]).toMatchObject({ path: 'runner.calib' });
    expect(e.issues[0]!.message).toMatch(/no effect on a strongly typed network/);
  });

  it('emits --fp16 / --best on 10.x', () => {
    expect(buildArgs({ ...base, precision: 'fp16' }, V10)).toContain('--fp16');
    expect(buildArgs({ ...base, precision: 'best' }, V10)).toContain('--best');
  });

  it('refuses versions older than 8.6', () => {
    expect(() => buildArgs(base, v(8, 5, 3))).toThrow(UnsupportedOptionError);
    expect(() => buildArgs(base, v(8, 5, 3))).toThrow(/TensorRT 8\.5\.3 is older than 8\.6/);
  });

  it('refuses invalid values with ConfigError listing every problem', () => {
    const e = caught(() =>
      buildArgs(
        {
          ...base,
          minShapes: ['input:0x3'],
          optShapes: ['input:1x3'],
          workspaceMiB: -1,
          builderOptimizationLevel: 7,
        },
        V10,
      ),
    );
    expect(e).not.toBeInstanceOf(UnsupportedOptionError);
    expect(e.issues.map((i) => i.path)).toEqual([
      'runner.shapes',
      'runner.minShapes[0]',
      'runner.workspaceMiB',
      'runner.builderOptimizationLevel',
    ]);
    expect(caught(() => buildArgs({ ...base, precision: 'fp16', calib: 'c' }, V10)).issues[0]?.path).toBe(
      'runner.calib',
    );
  });
});

describe('benchmarkArgs', () => {
  const full = {
    loadEngine: '/w/model.plan',
    shapes: ['input:8x3x224x224'],
    warmUpMs: 500,
    iterations: 200,
    durationS: 10,
    avgRuns: 20,
    useSpinWait: true,
    useCudaGraph: true,
    noDataTransfers: true,
    exportTimes: '/w/times.json',
    exportProfile: '/w/profile.json',
    exportLayerInfo: '/w/layers.json',
    profilingVerbosity: 'detailed' as const,
    separateProfileRun: true,
    dumpProfile: true,
    exportOutput: '/w/out.json',
    loadInputs: [
      { name: 'input', file: '/d/input.bin' },
      { name: 'mask', file: '/d/mask.bin' },
    ],
  };

  it('maps every option for 10.x', () => {
    expect(benchmarkArgs(full, V10)).toEqual([
      '--loadEngine=/w/model.plan',
      '--shapes=input:8x3x224x224',
      '--warmUp=500',
      '--iterations=200',
      '--duration=10',
      '--avgRuns=20',
      '--useSpinWait',
      '--useCudaGraph',
      '--noDataTransfers',
      '--exportTimes=/w/times.json',
      '--exportProfile=/w/profile.json',
      '--exportLayerInfo=/w/layers.json',
      '--exportOutput=/w/out.json',
      '--profilingVerbosity=detailed',
      '--separateProfileRun',
      '--dumpProfile',
      '--loadInputs=input:/d/input.bin,mask:/d/mask.bin',
    ]);
  });

  it('on 11.x emits no deprecated no-op, and the 11.x flags for the pre-11 behaviour', () => {
    const args = benchmarkArgs(full, V11);
    for (const noop of ['--useCudaGraph', '--useSpinWait', '--noDataTransfers', '--separateProfileRun']) {
      expect(args).not.toContain(noop);
    }
    expect(
      benchmarkArgs(
        { loadEngine: 'e.plan', useCudaGraph: false, useSpinWait: false, noDataTransfers: false },
        V11,
      ),
    ).toEqual(['--loadEngine=e.plan', '--includeDataTransfers', '--noSpinWait', '--noCudaGraph']);
    // On 10.x false simply means "do not pass the flag".
    expect(benchmarkArgs({ loadEngine: 'e.plan', useCudaGraph: false }, V10)).toEqual([
      '--loadEngine=e.plan',
    ]);
  });

  it("quotes input names with ':' (TF-style input:0) as trtexec's splitNameAndValue reads them", () => {
    const loadInputs = [
      { name: 'input:0', file: '/d/input.bin' },
      { name: 'mask', file: '/d/mask.bin' },
    ];
    expect(benchmarkArgs({ loadEngine: 'e', loadInputs }, V10)).toEqual([
      '--loadEngine=e',
      "--loadInputs='input:0':/d/input.bin,mask:/d/mask.bin",
    ]);
    // A quote in the name (or, for a quoted name, in the path) would change how trtexec splits it.
    const e = caught(() =>
      benchmarkArgs(
        {
          loadEngine: 'e',
          loadInputs: [
            { name: "it's", file: 'x' },
            { name: 'a:0', file: "/d/o'clock.bin" },
          ],
        },
        V10,
      ),
    );
    expect(e.issues.map((i) => i.path)).toEqual(['runner.loadInputs[0].name', 'runner.loadInputs[1].file']);
  });

  it('refuses bad numbers and input names', () => {
    const e = caught(() =>
      benchmarkArgs(
        { loadEngine: 'e', iterations: 2.5, warmUpMs: -1, loadInputs: [{ name: 'a,b', file: 'x' }] },
        V10,
      ),
    );
    expect(e.issues.map((i) => i.path)).toEqual([
      'runner.warmUpMs',
      'runner.iterations',
      'runner.loadInputs[0].name',
    ]);
  });
});

describe('extraFlags', () => {
  it('passes well-formed flags through unchanged, after the mapped ones', () => {
    const args = benchmarkArgs(
      { loadEngine: 'e.plan', extraFlags: ['--infStreams=2', '--verbose', '--percentile=50,99'] },
      V10,
    );
    expect(args).toEqual(['--loadEngine=e.plan', '--infStreams=2', '--verbose', '--percentile=50,99']);
  });

  it('refuses flags that redirect outputs trt-gate owns', () => {
    for (const flag of [
      '--saveEngine=/tmp/x',
      '--exportTimes=/tmp/t.json',
      '--onnx=other.onnx',
      '--timingCacheFile=c',
    ]) {
      const e = caught(() => buildArgs({ onnx: 'm.onnx', saveEngine: 'm.plan', extraFlags: [flag] }, V10));
      expect(e.issues[0]?.message).toMatch(/sets a file trt-gate manages/);
    }
  });

  it('refuses malformed flags and duplicates of mapped options', () => {
    const e = caught(() =>
      buildArgs(
        {
          onnx: 'm.onnx',
          saveEngine: 'm.plan',
          precision: 'fp16',
          extraFlags: ['-v', 'fp16', '--fp16', '--a\n--b'],
        },
        V10,
      ),
    );
    expect(e.issues.map((i) => i.message)).toEqual([
      '"-v" must look like --name or --name=value',
      '"fp16" must look like --name or --name=value',
      '--fp16 is already set from the runner options',
      '"--a\\n--b" must look like --name or --name=value',
    ]);
  });

  it('refuses flags the version removed or does not have yet', () => {
    const w = caught(() =>
      buildArgs({ onnx: 'm.onnx', saveEngine: 'm.plan', extraFlags: ['--workspace=1024'] }, V10),
    );
    expect(w).toBeInstanceOf(UnsupportedOptionError);
    expect(w.issues[0]?.message).toBe(
      '--workspace is not available in TensorRT 10.3.0 (use --memPoolSize=workspace:<MiB> (runner.workspaceMiB))',
    );
    // --workspace still exists (deprecated) on 8.6 and is passed through there.
    expect(
      buildArgs({ onnx: 'm.onnx', saveEngine: 'm.plan', extraFlags: ['--workspace=1024'] }, V86),
    ).toContain('--workspace=1024');
    expect(() =>
      buildArgs({ onnx: 'm.onnx', saveEngine: 'm.plan', extraFlags: ['--stronglyTyped'] }, V86),
    ).toThrow(UnsupportedOptionError);
    expect(
      buildArgs({ onnx: 'm.onnx', saveEngine: 'm.plan', extraFlags: ['--stronglyTyped'] }, V10),
    ).toContain('--stronglyTyped');
    expect(() => buildArgs({ onnx: 'm.onnx', saveEngine: 'm.plan', extraFlags: ['--int8'] }, V11)).toThrow(
      /not available in TensorRT 11\.0\.0/,
    );
  });
});

describe('describeVersionRules', () => {
  it('documents each version and the reserved flags', () => {
    const text = describeVersionRules();
    expect(text).toMatch(/8\.6: workspace → --memPoolSize=workspace/);
    expect(text).toMatch(/11\.x: precision flags/);
    expect(text).toContain('--exportTimes');
  });
});
