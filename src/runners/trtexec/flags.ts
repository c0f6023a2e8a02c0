/**
 * Typed options → trtexec argv (strings for execFile; never a shell string), per TensorRT version.
 * Every flag and value emitted here was checked against what trtexec's parser (NVIDIA/TensorRT
 * samples/common/sampleOptions.cpp) accepts in 8.6, 10.0.1, 10.9, 10.14 and 11.0, written down with their
 * commits in test/fixtures/trtexec-options/ and enforced by test/runners/trtexec/option-lists.test.ts:
 * - 8.6 still takes `--workspace` (deprecated for `--memPoolSize`), `--buildOnly` (for `--skipInference`),
 *   `--explicitBatch` (a no-op); 10.0.1 has none of them, nor `--batch`/`--maxBatch`/`--minTiming`/`--nvtxMode`.
 * - `--bf16` and `--stronglyTyped` appear in 10.0.1; `--hardwareCompatibilityLevel` takes none|ampere+ from
 *   8.6 and sameComputeCapability by 10.9 (not in 10.0.1, nor in a real 10.6 --help).
 * - 10.9+: `--best` with `--stronglyTyped` is an invalid_argument; 10.14 applies the precision flags but warns
 *   "Weakly-typed networks have been deprecated".
 * - 11.0: `--fp16`, `--bf16`, `--int8`, `--fp8`, `--int4`, `--best`, `--calib` and the calibration shapes are
 *   gone (networks are always strongly typed; `--stronglyTyped` is a no-op). Data transfers are off and
 *   spin-wait and CUDA graphs on by default: `--noDataTransfers`, `--useSpinWait`, `--useCudaGraph`,
 *   `--separateProfileRun` are deprecated no-ops; `--includeDataTransfers`, `--noSpinWait`, `--noCudaGraph`
 *   give the pre-11 behaviour (./measurement.ts).
 * Versions before 8.6 are refused. Value syntax checks live in ./parse/cli-values.ts.
 */
import { ConfigError, type Issue } from '../../errors.js';
import { type MeasurementChoice, measurementRunFlags } from './measurement.js';
import {
  checkExtraFlags,
  checkPath,
  flagName,
  inputList,
  issue,
  RESERVED_FLAGS,
  type ShapeSpec,
  shapeList,
} from './parse/cli-values.js';
import { compareVersions, formatVersion, type TrtVersion } from './parse/version.js';

const V10_9 = { major: 10, minor: 9, patch: 0 };

/** The benchmark options as a measurement choice (noDataTransfers is the inverse of dataTransfers). */
export function measurementChoice(o: {
  useSpinWait?: boolean;
  useCudaGraph?: boolean;
  noDataTransfers?: boolean;
}): MeasurementChoice {
  return {
    ...(o.useSpinWait !== undefined ? { spinWait: o.useSpinWait } : {}),
    ...(o.useCudaGraph !== undefined ? { cudaGraph: o.useCudaGraph } : {}),
    ...(o.noDataTransfers !== undefined ? { dataTransfers: !o.noDataTransfers } : {}),
  };
}

export { RESERVED_FLAGS, type ShapeSpec };

/** A config option the detected TensorRT cannot honour. Never silently dropped. */
export class UnsupportedOptionError extends ConfigError {
  constructor(
    issues: Issue[],
    readonly tensorrt: string,
  ) {
    super(issues);
  }
}

export type TrtPrecision = 'fp32' | 'fp16' | 'bf16' | 'int8' | 'best';

export interface TrtexecBuildOptions {
  onnx: string;
  saveEngine: string;
  precision?: TrtPrecision;
  /** INT8 calibration cache path (`--calib`). */
  calib?: string;
  minShapes?: ShapeSpec[];
  optShapes?: ShapeSpec[];
  maxShapes?: ShapeSpec[];
  timingCacheFile?: string;
  /** Builder workspace pool limit in MiB. */
  workspaceMiB?: number;
  builderOptimizationLevel?: number;
  hardwareCompatibilityLevel?: 'none' | 'ampere+' | 'sameComputeCapability';
  /** fp32 layers as real fp32, not TF32 (`--noTF32`). */
  noTF32?: boolean;
  profilingVerbosity?: 'layer_names_only' | 'detailed' | 'none';
  exportLayerInfo?: string;
  extraFlags?: string[];
}

export interface TrtexecBenchmarkOptions {
  loadEngine: string;
  /** Inference shapes for dynamic engines (`--shapes`). */
  shapes?: ShapeSpec[];
  warmUpMs?: number;
  iterations?: number;
  durationS?: number;
  avgRuns?: number;
  useSpinWait?: boolean;
  useCudaGraph?: boolean;
  noDataTransfers?: boolean;
  exportTimes?: string;
  exportProfile?: string;
  exportLayerInfo?: string;
  profilingVerbosity?: 'layer_names_only' | 'detailed' | 'none';
  separateProfileRun?: boolean;
  dumpProfile?: boolean;
  /** Execution contexts with a query in flight at once (the sweep's concurrency; `--infStreams`). */
  infStreams?: number;
  exportOutput?: string;
  loadInputs?: Array<{ name: string; file: string }>;
  extraFlags?: string[];
}

export function describeVersionRules(): string {
  return [
    'trtexec flags by TensorRT version (trt-gate refuses versions before 8.6):',
    '- 8.6: workspace → --memPoolSize=workspace:<MiB>; precision fp16/int8/best via --fp16/--int8/--best;',
    '  bf16 and --stronglyTyped unavailable; build-only runs use --skipInference.',
    '- 10.x: --workspace, --minTiming, --batch/--maxBatch, --explicitBatch, --buildOnly, --nvtxMode removed;',
    '  --bf16 and --stronglyTyped available; hardwareCompatibilityLevel sameComputeCapability from 10.9;',
    '  --best with --stronglyTyped refused (an error in trtexec from 10.9).',
    '- 11.x: precision flags (--fp16, --bf16, --int8, --fp8, --int4, --best) and --calib removed: networks are',
    '  always strongly typed. Strongly typed builds (11.x, or --stronglyTyped on 10.x) get no precision flag;',
    '  the engine is built with --exportLayerInfo and an entry whose engine does not hold its precision fails.',
    '  Data transfers are off, spin-wait and CUDA graphs on by default; the configured mode is kept with',
    '  --includeDataTransfers / --noSpinWait / --noCudaGraph (docs/gpu-runners.md).',
    `- extraFlags must look like --name or --name=value and may not set ${RESERVED_FLAGS.map((f) => `--${f}`).join(', ')}.`,
  ].join('\n');
}

/**
 * Strongly typed builds take every type from the model: always on 11.x, on 10.x with `--stronglyTyped`
 * among the build flags. Precision flags are then not emitted and the label is read from the engine.
 */
export function isStronglyTyped(
  extraFlags: readonly string[] | undefined,
  v: Pick<TrtVersion, 'major'>,
): boolean {
  return v.major >= 11 || (extraFlags ?? []).some((f) => flagName(f) === 'stronglyTyped');
}

/** argv for building an engine (`trtexec` itself not included). */
export function buildArgs(o: TrtexecBuildOptions, version: TrtVersion): string[] {
  const bad: Issue[] = [];
  const unsupported: Issue[] = [];
  checkVersion(version, unsupported);
  const args = [
    `--onnx=${checkPath(o.onnx, 'onnx', bad)}`,
    `--saveEngine=${checkPath(o.saveEngine, 'saveEngine', bad)}`,
  ];

  const precision = o.precision ?? 'fp32';
  const strong = isStronglyTyped(o.extraFlags, version);
  if (strong && precision === 'best') {
    (version.major >= 11 ? unsupported : bad).push(
      issue(
        'precision',
        version.major >= 11
          ? `precision best cannot be set on TensorRT ${formatVersion(version)}: 11.x removed --best (networks are strongly typed; set the precision the model holds)`
          : `precision best cannot be built with --stronglyTyped (runner.extraBuildFlags): trtexec refuses --best with it; set the precision the model holds`,
      ),
    );
  } else if (strong) {
    // No flag: trtexec would turn it off (10.x) or has none (11.x). The precision comes from the model
    // and is checked against the built engine's layer information (./engine-precision.ts).
  } else if (precision === 'bf16' && version.major < 10) {
    unsupported.push(
      issue('precision', `precision bf16 needs TensorRT 10 or later, found ${formatVersion(version)}`),
    );
  } else if (precision !== 'fp32') args.push(`--${precision}`);

  if (o.calib !== undefined) {
    if (version.major >= 11) {
      unsupported.push(
        issue(
          'calib',
          `--calib was removed in TensorRT 11 (found ${formatVersion(version)}); use explicit Q/DQ quantization`,
        ),
      );
    } else if (strong) {
      bad.push(
        issue(
          'calib',
          'a calibration cache has no effect on a strongly typed network (--stronglyTyped): quantize the model with Q/DQ',
        ),
      );
    } else if (precision !== 'int8' && precision !== 'best') {
      bad.push(
        issue('calib', `a calibration cache is only used with precision int8 or best, not ${precision}`),
      );
    } else args.push(`--calib=${checkPath(o.calib, 'calib', bad)}`);
  }

  const given = [o.minShapes, o.optShapes, o.maxShapes].map((s) => s !== undefined && s.length > 0);
  if ((given[0] || given[2]) && !(given[0] && given[1] && given[2])) {
    bad.push(
      issue('shapes', 'give only optShapes, or all of minShapes, optShapes and maxShapes (trtexec rule)'),
    );
  }
  for (const [key, list] of [
    ['minShapes', o.minShapes],
    ['optShapes', o.optShapes],
    ['maxShapes', o.maxShapes],
  ] as const) {
    if (list && list.length > 0) args.push(`--${key}=${shapeList(list, key, bad)}`);
  }
  if (o.timingCacheFile !== undefined)
    args.push(`--timingCacheFile=${checkPath(o.timingCacheFile, 'timingCacheFile', bad)}`);
  if (o.workspaceMiB !== undefined) {
    if (!(Number.isFinite(o.workspaceMiB) && o.workspaceMiB > 0))
      bad.push(issue('workspaceMiB', 'must be a positive number of MiB'));
    else args.push(`--memPoolSize=workspace:${o.workspaceMiB}`);
  }
  if (o.builderOptimizationLevel !== undefined) {
    const l = o.builderOptimizationLevel;
    if (!Number.isInteger(l) || l < 0 || l > 5)
      bad.push(issue('builderOptimizationLevel', 'must be an integer from 0 to 5'));
    else args.push(`--builderOptimizationLevel=${l}`);
  }
  if (o.hardwareCompatibilityLevel !== undefined) {
    // The option exists from 8.6 (none | ampere+); sameComputeCapability was added in 10.9.
    if (o.hardwareCompatibilityLevel === 'sameComputeCapability' && compareVersions(version, V10_9) < 0) {
      unsupported.push(
        issue(
          'hardwareCompatibilityLevel',
          `sameComputeCapability needs TensorRT 10.9 or later, found ${formatVersion(version)}`,
        ),
      );
    } else args.push(`--hardwareCompatibilityLevel=${o.hardwareCompatibilityLevel}`);
  }
  if (o.noTF32) args.push('--noTF32');
  if (o.profilingVerbosity !== undefined) args.push(`--profilingVerbosity=${o.profilingVerbosity}`);
  if (o.exportLayerInfo !== undefined)
    args.push(`--exportLayerInfo=${checkPath(o.exportLayerInfo, 'exportLayerInfo', bad)}`);
  args.push('--skipInference');
  return finish(args, o.extraFlags, version, bad, unsupported);
}

/** argv for timing an engine built before. */
export function benchmarkArgs(o: TrtexecBenchmarkOptions, version: TrtVersion): string[] {
  const bad: Issue[] = [];
  const unsupported: Issue[] = [];
  checkVersion(version, unsupported);
  const args = [`--loadEngine=${checkPath(o.loadEngine, 'loadEngine', bad)}`];
  if (o.shapes && o.shapes.length > 0) args.push(`--shapes=${shapeList(o.shapes, 'shapes', bad)}`);
  const num = (
    key: keyof TrtexecBenchmarkOptions,
    flag: string,
    value: number | undefined,
    integer: boolean,
    min: number,
  ) => {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      bad.push(issue(key, `must be ${integer ? 'an integer' : 'a number'} ≥ ${min}`));
    } else args.push(`--${flag}=${value}`);
  };
  num('warmUpMs', 'warmUp', o.warmUpMs, false, 0);
  num('iterations', 'iterations', o.iterations, true, 1);
  num('durationS', 'duration', o.durationS, false, 0);
  num('avgRuns', 'avgRuns', o.avgRuns, true, 1);
  // One stream is trtexec's default: the flag only when more are asked for.
  if (o.infStreams !== 1) num('infStreams', concurrencyFlag(version), o.infStreams, true, 1);
  // 11.x flipped these defaults; ./measurement.ts emits whichever flag gives the mode asked for.
  args.push(...measurementRunFlags(measurementChoice(o), version));
  for (const key of ['exportTimes', 'exportProfile', 'exportLayerInfo', 'exportOutput'] as const) {
    const p = o[key];
    if (p !== undefined) args.push(`--${key}=${checkPath(p, key, bad)}`);
  }
  if (o.profilingVerbosity !== undefined) args.push(`--profilingVerbosity=${o.profilingVerbosity}`);
  // A deprecated no-op on 11.x (the profiler always runs apart from the timed loop there).
  if (o.separateProfileRun && version.major < 11) args.push('--separateProfileRun');
  if (o.dumpProfile) args.push('--dumpProfile');
  if (o.loadInputs && o.loadInputs.length > 0) args.push(`--loadInputs=${inputList(o.loadInputs, bad)}`);
  return finish(args, o.extraFlags, version, bad, unsupported);
}

/**
 * trtexec's flag for N execution contexts running queries concurrently, per version. From the option
 * echo of real logs (test/fixtures/trtexec2, /work/shared/fixtures): 8.2.3 prints `Streams: 1`
 * (`--streams`); 8.6.0, 10.16.1 and 11.0.0 print `Inference Streams: 1` (`--infStreams`), and
 * sampleOptions.cpp from 8.6 on reads `--streams` only to warn it is deprecated for `--infStreams`.
 * Every version the runner drives (8.6+) takes `--infStreams`.
 */
export function concurrencyFlag(v: Pick<TrtVersion, 'major' | 'minor'>): 'infStreams' | 'streams' {
  return v.major > 8 || (v.major === 8 && v.minor >= 6) ? 'infStreams' : 'streams';
}

function finish(
  args: string[],
  extra: string[] | undefined,
  v: TrtVersion,
  bad: Issue[],
  unsupported: Issue[],
): string[] {
  args.push(...checkExtraFlags(extra ?? [], new Set(args.map(flagName)), v, bad, unsupported));
  if (bad.length > 0) throw new ConfigError(bad);
  if (unsupported.length > 0) throw new UnsupportedOptionError(unsupported, formatVersion(v));
  return args;
}

function checkVersion(v: TrtVersion, unsupported: Issue[]): void {
  if (v.major < 8 || (v.major === 8 && v.minor < 6)) {
    unsupported.push(
      issue('', `TensorRT ${formatVersion(v)} is older than 8.6, the oldest version trt-gate drives`),
    );
  }
}
