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
  removedIn?: number;
  addedIn?: number;
  note: string;
}

const STRONG_TYPING = 'networks are strongly typed; set precision in the model';

/**
 * Flags refused in extraFlags where the version lacks them (sources: see ../flags.ts). 10.x removals of
 * --workspace/--minTiming/--batch/--maxBatch are from the Migration Guide; --explicitBatch, --buildOnly and
 * --nvtxMode are ASSUMED gone in 10.x (task brief); the 11.x list is from the 10.x → 11.x Migration Guide.
 */
export const FLAG_RULES: FlagRule[] = [
  { flag: 'workspace', removedIn: 10, note: 'use --memPoolSize=workspace:<MiB> (runner.workspaceMiB)' },
  { flag: 'minTiming', removedIn: 10, note: 'use --avgTiming' },
  { flag: 'batch', removedIn: 10, note: 'implicit batch is gone; set shapes' },
  { flag: 'maxBatch', removedIn: 10, note: 'implicit batch is gone; set shapes' },
  { flag: 'explicitBatch', removedIn: 10, note: 'explicit batch is always on' },
  { flag: 'buildOnly', removedIn: 10, note: 'use --skipInference' },
  { flag: 'nvtxMode', removedIn: 10, note: 'use --profilingVerbosity' },
  ...['fp16', 'bf16', 'int8', 'fp8', 'int4', 'best', 'calib', 'precisionConstraints', 'layerPrecisions'].map(
    (flag): FlagRule => ({ flag, removedIn: 11, note: STRONG_TYPING }),
  ),
  { flag: 'layerOutputTypes', removedIn: 11, note: STRONG_TYPING },
  { flag: 'bf16', addedIn: 10, note: 'BF16 needs TensorRT 10' },
  { flag: 'stronglyTyped', addedIn: 10, note: 'strongly typed networks need TensorRT 10' },
];

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
      for (const rule of FLAG_RULES.filter((r) => r.flag === name)) {
        const gone = rule.removedIn !== undefined && v.major >= rule.removedIn;
        const notYet = rule.addedIn !== undefined && v.major < rule.addedIn;
        if (gone || notYet) {
          unsupported.push(
            issue(at, `--${name} is not available in TensorRT ${formatVersion(v)} (${rule.note})`),
          );
        }
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
