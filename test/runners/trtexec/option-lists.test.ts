/**
 * Flag generation against the options each TensorRT version's trtexec really accepts (issue 11): every
 * config feature is turned into argv for 8.6, 10.0, 10.9, 10.14 and 11.0, and each emitted flag must be in
 * that version's list (test/fixtures/trtexec-options/, read from NVIDIA's sampleOptions.cpp at pinned
 * commits), with an accepted value, and not a deprecated no-op or alias where a replacement exists. A
 * feature trt-gate refuses on a version must be one that version really lacks.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { buildOptions, runOptions } from '../../../src/runners/trtexec/flag-options.js';
import {
  benchmarkArgs,
  buildArgs,
  type TrtexecBenchmarkOptions,
  type TrtexecBuildOptions,
  UnsupportedOptionError,
} from '../../../src/runners/trtexec/flags.js';
import { argsFor } from '../../../src/runners/trtexec/option-checks.js';
import { TrtexecOptions } from '../../../src/runners/trtexec/options.js';
import { FLAG_RULES, flagName } from '../../../src/runners/trtexec/parse/cli-values.js';
import type { TrtVersion } from '../../../src/runners/trtexec/parse/version.js';
import { accepted, LISTED, type OptionListFixture, optionList } from './option-lists.js';

const ONNX = { onnx: '/m/model.onnx', saveEngine: '/w/model.plan' };
const ENGINE = { loadEngine: '/w/model.plan' };

interface Feature {
  name: string;
  /** Runner options (trt-gate.yml `runner:`), turned into flags the way the runner does. */
  runner?: Record<string, unknown>;
  build?: Partial<TrtexecBuildOptions>;
  run?: Partial<TrtexecBenchmarkOptions>;
  /** The flags the feature is about: a refusal must be explained by one of them missing. */
  flags: string[];
}

const FEATURES: Feature[] = [
  { name: 'fp32', build: { precision: 'fp32' }, flags: [] },
  { name: 'fp16', build: { precision: 'fp16' }, flags: ['--fp16'] },
  { name: 'bf16', build: { precision: 'bf16' }, flags: ['--bf16'] },
  { name: 'int8 + calibration', build: { precision: 'int8', calib: '/m/calib.cache' }, flags: ['--int8'] },
  { name: 'best', build: { precision: 'best' }, flags: ['--best'] },
  { name: 'opt shapes', build: { optShapes: [{ name: 'x', dims: [8, 3, 224, 224] }] }, flags: [] },
  {
    name: 'shape profile',
    build: {
      minShapes: [{ name: 'x', dims: [1, 3, 224, 224] }],
      optShapes: [{ name: 'x', dims: [8, 3, 224, 224] }],
      maxShapes: [{ name: 'x', dims: [16, 3, 224, 224] }],
    },
    flags: [],
  },
  { name: 'timing cache', build: { timingCacheFile: '/c/t.cache' }, flags: [] },
  { name: 'workspace', runner: { workspaceMiB: 2048 }, flags: [] },
  { name: 'optimization level', runner: { builderOptimizationLevel: 5 }, flags: [] },
  ...(['none', 'ampere+', 'sameComputeCapability'] as const).map(
    (level): Feature => ({
      name: `hardware compatibility ${level}`,
      runner: { hardwareCompatibilityLevel: level },
      flags: ['--hardwareCompatibilityLevel'],
    }),
  ),
  { name: 'no TF32', runner: { tf32: false }, flags: [] },
  { name: 'profiling build', runner: { profile: true }, build: { exportLayerInfo: '/w/l.json' }, flags: [] },
  {
    name: 'timed run',
    runner: { avgRuns: 20 },
    run: {
      shapes: ['x:8x3x224x224'],
      warmUpMs: 500,
      iterations: 100,
      durationS: 5,
      exportTimes: '/w/t.json',
    },
    flags: [],
  },
  { name: 'concurrency', run: { infStreams: 4 }, flags: [] },
  ...[true, false].flatMap((on): Feature[] => [
    { name: `spin-wait ${on}`, runner: { useSpinWait: on }, flags: [] },
    { name: `CUDA graphs ${on}`, runner: { useCudaGraph: on }, flags: [] },
    { name: `no data transfers ${on}`, runner: { noDataTransfers: on }, flags: [] },
  ]),
  {
    name: 'profile run',
    run: {
      exportProfile: '/w/p.json',
      exportLayerInfo: '/w/l.json',
      profilingVerbosity: 'detailed',
      separateProfileRun: true,
      dumpProfile: true,
    },
    flags: [],
  },
  {
    name: 'accuracy run',
    run: { exportOutput: '/w/o.json', loadInputs: [{ name: 'input:0', file: '/d/in.bin' }] },
    flags: [],
  },
];

/** argv for a feature on a version, or the refusal, made the way the runner makes them. */
function generate(f: Feature, v: TrtVersion): { argv: string[] } | { refused: ConfigError } {
  const options = TrtexecOptions.parse(f.runner ?? {});
  try {
    const build = argsFor('extraBuildFlags', () =>
      buildArgs(buildOptions(options, { ...ONNX, ...f.build }), v),
    );
    const run = argsFor('extraRunFlags', () =>
      benchmarkArgs(runOptions(options, { ...ENGINE, ...f.run }), v),
    );
    return { argv: [...build, ...run] };
  } catch (error) {
    if (error instanceof ConfigError) return { refused: error };
    throw error;
  }
}

function argValue(arg: string): string | undefined {
  const eq = arg.indexOf('=');
  return eq < 0 ? undefined : arg.slice(eq + 1);
}

/** Why `arg` would be wrong on this version, or undefined when trtexec takes it as meant. */
function problem(arg: string, list: OptionListFixture): string | undefined {
  const name = `--${flagName(arg)}`;
  if (!accepted(list).has(name)) return `${name} is not an option of trtexec ${list.tensorrt}`;
  const dep = list.deprecated[name];
  if (dep && dep.kind !== 'discouraged') return `${name} is a deprecated ${dep.kind} on ${list.tensorrt}`;
  const allowed = list.values[name];
  const value = argValue(arg);
  if (allowed && value !== undefined) {
    const head = name === '--memPoolSize' ? value.split(':')[0]! : value;
    if (!allowed.includes(head)) return `${name}=${head} is not a value trtexec ${list.tensorrt} knows`;
  }
  return undefined;
}

describe.each(LISTED)('flags for %s', (file, version) => {
  const list = optionList(file);

  it('names its source and says whether it is pinned to a release', () => {
    expect(list.source.repository).toBe('NVIDIA/TensorRT');
    expect(list.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(list.source.url).toContain(list.source.commit);
    expect(list.source.evidence.length).toBeGreaterThan(40);
    for (const name of Object.keys(list.deprecated)) expect(accepted(list)).toContain(name);
  });

  it.each(FEATURES.map((f) => [f.name, f] as const))('%s: only flags this trtexec takes', (_name, f) => {
    const out = generate(f, version);
    if ('refused' in out) {
      // A refusal is only right where the flag (or its value) really is missing from this version.
      expect(out.refused).toBeInstanceOf(UnsupportedOptionError);
      const explained = f.flags.some((flag) => {
        const value = (f.runner?.hardwareCompatibilityLevel as string | undefined) ?? undefined;
        if (flag === '--hardwareCompatibilityLevel' && value) return !list.values[flag]?.includes(value);
        return !accepted(list).has(flag);
      });
      expect(explained, `${f.name} refused on ${list.tensorrt}: ${out.refused.message}`).toBe(true);
      return;
    }
    const problems = out.argv.map((a) => problem(a, list)).filter(Boolean);
    expect(problems).toEqual([]);
    // The only deprecated flags allowed are the precision flags 10.14 still applies but discourages.
    for (const arg of out.argv) {
      const dep = list.deprecated[`--${flagName(arg)}`];
      if (dep) expect(['--fp16', '--bf16', '--int8', '--best']).toContain(`--${flagName(arg)}`);
    }
  });

  it('refuses a feature only where this version lacks it', () => {
    const refused = FEATURES.filter((f) => 'refused' in generate(f, version)).map((f) => f.name);
    const expected: Record<string, string[]> = {
      '8.6': ['bf16', 'hardware compatibility sameComputeCapability'],
      '10.0': ['hardware compatibility sameComputeCapability'],
      '10.9': [],
      '10.14': [],
      // Strongly typed: no precision flag (the label is checked against the engine); --best and --calib gone.
      '11.0': ['int8 + calibration', 'best'],
    };
    expect(refused).toEqual(expected[list.tensorrt]);
  });

  it('measures what the config says: the version-specific measurement flags', () => {
    const pre11 = TrtexecOptions.parse({ useSpinWait: false, useCudaGraph: false, noDataTransfers: false });
    const argv = benchmarkArgs(runOptions(pre11, ENGINE), version);
    const eleven = version.major >= 11;
    expect(argv.filter((a) => a !== '--loadEngine=/w/model.plan')).toEqual(
      eleven ? ['--includeDataTransfers', '--noSpinWait', '--noCudaGraph'] : [],
    );
    const new11 = ['--includeDataTransfers', '--noSpinWait', '--noCudaGraph'];
    for (const flag of new11) expect(accepted(list).has(flag)).toBe(eleven);
    expect(list.semantics.defaults).toEqual(
      eleven
        ? { dataTransfers: false, spinWait: true, cudaGraph: true }
        : { dataTransfers: true, spinWait: false, cudaGraph: false },
    );
    // --noTF32 exists on every version: fp32 as real fp32 is always expressible.
    expect(accepted(list).has('--noTF32')).toBe(true);
  });

  it('refuses --best with --stronglyTyped, naming the config paths', () => {
    if (!accepted(list).has('--stronglyTyped') || !accepted(list).has('--best')) return;
    const options = TrtexecOptions.parse({ extraBuildFlags: ['--verbose', '--stronglyTyped'] });
    let error: unknown;
    try {
      argsFor(
        'extraBuildFlags',
        () => buildArgs(buildOptions(options, { ...ONNX, precision: 'best' }), version),
        'models[name=resnet].precisions',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      {
        file: 'trt-gate.yml',
        path: 'models[name=resnet].precisions',
        message:
          'precision best cannot be built with --stronglyTyped (runner.extraBuildFlags): trtexec refuses --best with it; set the precision the model holds',
      },
    ]);
    // The same pair given as flags is refused at the flag.
    const both = TrtexecOptions.parse({ extraBuildFlags: ['--stronglyTyped', '--best'] });
    expect(() => buildArgs(buildOptions(both, ONNX), version)).toThrow(
      /runner\.extraFlags\[1\]: --best and --stronglyTyped cannot be combined/,
    );
  });
});

describe('FLAG_RULES against the option lists', () => {
  it('refuses a flag in extraFlags exactly where the listed version lacks it', () => {
    const wrong: string[] = [];
    for (const [file, version] of LISTED) {
      const list = optionList(file);
      for (const rule of FLAG_RULES) {
        const options = TrtexecOptions.parse({ extraBuildFlags: [`--${rule.flag}`] });
        let refused = false;
        try {
          buildArgs(buildOptions(options, ONNX), version);
        } catch (e) {
          refused = e instanceof UnsupportedOptionError;
        }
        if (refused === accepted(list).has(`--${rule.flag}`))
          wrong.push(`--${rule.flag} ${refused ? 'refused' : 'passed'} on ${list.tensorrt}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('covers every option a version dropped that the one before it had', () => {
    for (let i = 1; i < LISTED.length; i++) {
      const before = accepted(optionList(LISTED[i - 1]![0]));
      const now = accepted(optionList(LISTED[i]![0]));
      const dropped = [...before].filter((o) => !now.has(o));
      const ruled = new Set(FLAG_RULES.map((r) => `--${r.flag}`));
      // --consistency leaves 10.9's parser and comes back in 10.14; it is not something trt-gate emits.
      expect(dropped.filter((o) => !ruled.has(o) && o !== '--consistency')).toEqual([]);
    }
  });
});
