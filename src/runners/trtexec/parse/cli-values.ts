/**
 * Reading and checking the values that go into trtexec's command line: shape lists, `--loadInputs` pairs,
 * paths and user-supplied `extraFlags`. Used by ../flags.ts; every problem becomes an Issue against
 * `trt-gate.yml` at `runner.<option>`, so the caller can report all of them at once.
 *
 * Value syntax (NVIDIA/TensorRT samples/common/sampleOptions.cpp): lists are split on `,`, a tensor name
 * from its value on the last `:` (splitNameAndValue), dimensions on `x`. argv entries are passed without
 * a shell, so only characters trtexec itself would misread (`,`, NUL, newlines) are refused.
 */
import type { Issue } from '../../../errors.js';
import { formatVersion, type TrtVersion } from './version.js';

export type ShapeSpec = string | { name: string; dims: number[] };

/** Outputs and paths trt-gate owns: a user flag may not redirect them. */
export const RESERVED_FLAGS = [
  'onnx',
  'saveEngine',
  'loadEngine',
  'exportTimes',
  'exportProfile',
  'exportLayerInfo',
  'exportOutput',
  'timingCacheFile',
] as const;

interface FlagRule {
  flag: string;
  /** First version without the flag (major.minor). */
  removedIn?: [number, number];
  /** First version with the flag (major.minor). */
  addedIn?: [number, number];
  note: string;
}

const STRONG_TYPING = 'networks are strongly typed; set precision in the model';
const GONE_IN_10 = 'removed in TensorRT 10 (implicit batch, Caffe and UFF are gone)';

/**
 * Flags refused in extraFlags where the version lacks them. Checked against what trtexec's own parser
 * (samples/common/sampleOptions.cpp) accepts in 8.6, 10.0.1, 10.9, 10.14 and 11.0, written down with their
 * commits in test/fixtures/trtexec-options/ (test/runners/trtexec/option-lists.test.ts keeps this table and
 * those lists in step). Bounds between the checked versions are the first version known to differ.
 */
export const FLAG_RULES: FlagRule[] = [
  { flag: 'workspace', removedIn: [10, 0], note: 'use --memPoolSize=workspace:<MiB> (runner.workspaceMiB)' },
  { flag: 'minTiming', removedIn: [10, 0], note: 'use --avgTiming' },
  { flag: 'batch', removedIn: [10, 0], note: 'implicit batch is gone; set shapes' },
  { flag: 'maxBatch', removedIn: [10, 0], note: 'implicit batch is gone; set shapes' },
  { flag: 'explicitBatch', removedIn: [10, 0], note: 'explicit batch is always on' },
  { flag: 'explicitPrecision', removedIn: [10, 0], note: 'it had no effect since 8.x' },
  { flag: 'buildOnly', removedIn: [10, 0], note: 'use --skipInference' },
  { flag: 'nvtxMode', removedIn: [10, 0], note: 'use --profilingVerbosity' },
  { flag: 'heuristic', removedIn: [10, 0], note: 'use --builderOptimizationLevel' },
  ...['uff', 'model', 'deploy', 'output', 'uffInput', 'uffNHWC'].map(
    (flag): FlagRule => ({ flag, removedIn: [10, 0], note: GONE_IN_10 }),
  ),
  ...['fp16', 'bf16', 'int8', 'fp8', 'int4', 'best', 'calib', 'precisionConstraints', 'layerPrecisions'].map(
    (flag): FlagRule => ({ flag, removedIn: [11, 0], note: STRONG_TYPING }),
  ),
  ...['layerOutputTypes', 'minShapesCalib', 'optShapesCalib', 'maxShapesCalib'].map(
    (flag): FlagRule => ({ flag, removedIn: [11, 0], note: STRONG_TYPING }),
  ),
  { flag: 'calibProfile', addedIn: [10, 0], removedIn: [11, 0], note: STRONG_TYPING },
  { flag: 'weightless', addedIn: [10, 0], removedIn: [11, 0], note: 'use --stripWeights' },
  { flag: 'restricted', removedIn: [11, 0], note: 'removed in TensorRT 11' },
  { flag: 'bf16', addedIn: [10, 0], note: 'BF16 needs TensorRT 10' },
  { flag: 'stronglyTyped', addedIn: [10, 0], note: 'strongly typed networks need TensorRT 10' },
  // Not in 10.0.1's parser, in 10.9's; 10.1–10.8 unchecked (trtexec itself refuses it where it is missing).
  { flag: 'int4', addedIn: [10, 1], note: 'INT4 is not in TensorRT 10.0' },
  ...['includeDataTransfers', 'noSpinWait', 'noCudaGraph'].map(
    (flag): FlagRule => ({
      flag,
      addedIn: [11, 0],
      note: 'before 11 the opposite is the default; set runner.noDataTransfers/useSpinWait/useCudaGraph',
    }),
  ),
];

/** Whether `flag` (without dashes) is refused on this version by FLAG_RULES, and why. */
export function flagRuleFor(flag: string, v: Pick<TrtVersion, 'major' | 'minor'>): FlagRule | undefined {
  const at = (bound: [number, number]) => v.major > bound[0] || (v.major === bound[0] && v.minor >= bound[1]);
  return FLAG_RULES.find(
    (r) =>
      r.flag === flag &&
      ((r.removedIn !== undefined && at(r.removedIn)) || (r.addedIn !== undefined && !at(r.addedIn))),
  );
}

export function issue(key: string, message: string): Issue {
  return { file: 'trt-gate.yml', path: key ? `runner.${key}` : 'runner', message };
}

export function flagName(flag: string): string {
  const eq = flag.indexOf('=');
  return flag.slice(2, eq < 0 ? undefined : eq);
}

export function checkPath(p: string, key: string, bad: Issue[]): string {
  if (typeof p !== 'string' || p === '' || /[\0\r\n]/.test(p))
    bad.push(issue(key, 'must be a non-empty path'));
  return p;
}

/** `[{name:'input', dims:[1,3,224,224]}]` or `['input:1x3x224x224']` → `input:1x3x224x224,...`. */
export function shapeList(list: ShapeSpec[], key: string, bad: Issue[]): string {
  return list
    .map((s, i) => {
      const text = typeof s === 'string' ? s : `${s.name}:${s.dims.join('x')}`;
      const m = /^([^,]+):(\d+(?:x\d+)*)$/.exec(text);
      if (!m || m[2]!.split('x').some((d) => Number(d) < 1)) {
        bad.push(
          issue(
            `${key}[${i}]`,
            `${JSON.stringify(text)} must look like name:1x3x224x224 with positive dimensions`,
          ),
        );
      }
      return text;
    })
    .join(',');
}

/**
 * `--loadInputs` value: `name:file,name:file`. A name with `:` (TF-style `input:0`) is quoted,
 * `'input:0':file`, which splitNameAndValue reads as name and path (it splits on the two quotes, and
 * refuses any other number of them); unquoted, the name is everything before the last `:`.
 */
export function inputList(list: Array<{ name: string; file: string }>, bad: Issue[]): string {
  return list
    .map(({ name, file }, i) => {
      if (!name || /[,']/.test(name))
        bad.push(issue(`loadInputs[${i}].name`, `must be non-empty without "," or "'"`));
      if (!file || file.includes(','))
        bad.push(issue(`loadInputs[${i}].file`, 'must be non-empty without ","'));
      if (!name.includes(':')) return `${name}:${file}`;
      if (file.includes("'"))
        bad.push(
          issue(`loadInputs[${i}].file`, `must not contain "'" when the input name has ":" (it is quoted)`),
        );
      return `'${name}':${file}`;
    })
    .join(',');
}

/**
 * Checks user flags: `--name` or `--name=value`, not a reserved output, not a flag already emitted, and
 * available in this version. Returns the accepted flags in order.
 */
export function checkExtraFlags(
  extra: string[],
  emitted: Set<string>,
  v: TrtVersion,
  bad: Issue[],
  unsupported: Issue[],
): string[] {
  const out: string[] = [];
  for (const [i, flag] of extra.entries()) {
    const at = `extraFlags[${i}]`;
    const name = flagName(flag);
    if (!/^--[A-Za-z][A-Za-z0-9]*(?:=[^\0\r\n]*)?$/.test(flag)) {
      bad.push(issue(at, `${JSON.stringify(flag)} must look like --name or --name=value`));
    } else if ((RESERVED_FLAGS as readonly string[]).includes(name)) {
      bad.push(issue(at, `--${name} sets a file trt-gate manages and cannot be overridden`));
    } else if (emitted.has(name)) {
      bad.push(issue(at, `--${name} is already set from the runner options`));
    } else {
      const rule = flagRuleFor(name, v);
      if (rule) {
        unsupported.push(
          issue(at, `--${name} is not available in TensorRT ${formatVersion(v)} (${rule.note})`),
        );
      }
      if (
        (name === 'best' && emitted.has('stronglyTyped')) ||
        (name === 'stronglyTyped' && emitted.has('best'))
      ) {
        // trtexec: "--best cannot be used with --stronglyTyped" (a hard error).
        bad.push(issue(at, '--best and --stronglyTyped cannot be combined: trtexec refuses it'));
      }
      emitted.add(name);
      out.push(flag);
    }
  }
  return out;
}
