/**
 * What an imported log measured: TensorRT version, GPU, model, precision and batch size. Read from the
 * log; a value the log does not show is `unknown` (never guessed) and named in one warning with the flag
 * that would complete it; a command-line value that contradicts the log is a usage error (exit 2).
 */
import { basename, extname } from 'node:path';
import { Precision } from '../config/schema.js';
import { UsageError } from '../errors.js';
import type { EntryBatchSize, EntryPrecision } from '../results/schema.js';
import type { BuildLogInfo } from '../runners/trtexec/parse/build-log.js';
import { flagName } from '../runners/trtexec/parse/cli-values.js';
import { parseLog } from '../runners/trtexec/parse/log.js';
import {
  compareVersions,
  detectTrtVersion,
  formatVersion,
  type TrtVersion,
} from '../runners/trtexec/parse/version.js';
import type { CheckedUsage, TrtexecImportInput } from './trtexec-input.js';

export const UNKNOWN = 'unknown';

/** The argv echoed after `# ` on the banner line: `&&&& RUNNING TensorRT.trtexec [TensorRT v…] # trtexec --a --b`. */
export function bannerCommand(log: string): string[] | undefined {
  const m =
    /&&&& (?:RUNNING|PASSED|FAILED) TensorRT\.trtexec \[[^\]]*\](?:\s*\[b\d+\])? # (\S+)((?: \S+)*)/.exec(
      log,
    );
  if (!m) return undefined;
  return (m[2] ?? '').split(' ').filter((a) => a.startsWith('-'));
}

export function flagValue(args: string[] | undefined, name: string): string | undefined {
  const arg = args?.find((a) => flagName(a) === name && a.includes('='));
  return arg?.slice(arg.indexOf('=') + 1);
}

function same(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** One thing the log does not show, and the flag that supplies it. */
export interface Unknown {
  what: string;
  flag: string;
}

export interface ImportIdentity {
  version?: TrtVersion;
  deviceName: string;
  computeCapability?: string;
  model: string;
  precision: EntryPrecision;
  /** Why the precision is what it is (e.g. "from --fp16 in the echoed command"). */
  precisionSource: string;
  batchSize: EntryBatchSize;
  unknown: Unknown[];
}

function contradiction(what: string, logValue: string, flag: string, given: string): UsageError {
  return new UsageError(
    `${flag} ${JSON.stringify(given)} contradicts the log, which shows ${what} ${logValue}`,
  );
}

export function resolveVersion(input: TrtexecImportInput, usage: CheckedUsage): TrtVersion | undefined {
  const fromLog = detectTrtVersion(input.log.text);
  const given = usage.version;
  if (given && fromLog && compareVersions(fromLog, given) !== 0) {
    throw contradiction('TensorRT', formatVersion(fromLog), '--trt-version', input.trtVersion!);
  }
  return fromLog ?? given;
}

/** Batch size = first dimension of the first inference input, from the binding/shape lines or --shapes. */
function batchFromLog(text: string, args: string[] | undefined): number | undefined {
  const lines = parseLog(text).map((l) => l.text.trim());
  for (const re of [
    /^Input binding for \S+ with dimensions (\d+)(?:x\d+)*\b/,
    /^Set shape of input tensor \S+ to: (\d+)(?:x\d+)*$/,
  ]) {
    for (const l of lines) {
      const m = re.exec(l);
      if (m) return Number(m[1]);
    }
  }
  const shapes = flagValue(args, 'shapes') ?? flagValue(args, 'optShapes');
  const m = shapes ? /^[^,]*:(\d+)(?:x\d+)*/.exec(shapes) : null;
  return m ? Number(m[1]) : undefined;
}

const PRECISION_FLAGS = ['fp16', 'bf16', 'int8', 'best', 'fp8', 'int4'];

/** The precision the log proves, if any: only a build from ONNX before TensorRT 11, weakly typed. */
function precisionFromLog(
  version: TrtVersion | undefined,
  args: string[] | undefined,
  build: BuildLogInfo,
): { precision?: Precision; source: string } {
  const built = flagValue(args, 'onnx') !== undefined || build.options.Model?.Format === 'ONNX';
  if (!built) return { source: 'the log loads an engine built elsewhere' };
  const strong =
    (version !== undefined && version.major >= 11) ||
    (args ?? []).some((a) => flagName(a) === 'stronglyTyped') ||
    /Strongly Typed/i.test(build.options.Build?.Precision ?? '');
  if (strong) return { source: 'a strongly typed network takes its precisions from the model' };
  const tokens = args
    ? (args.map(flagName).filter((f) => PRECISION_FLAGS.includes(f)) as string[])
    : (build.options.Build?.Precision ?? '')
        .split('+')
        .map((t) => t.trim().toLowerCase())
        .filter((t) => t !== '' && t !== 'fp32' && t !== 'tf32');
  if (!args && !build.options.Build?.Precision) return { source: 'the log shows no precision flags' };
  if (tokens.length === 0) return { precision: 'fp32', source: 'no precision flag in the build' };
  const parsed = Precision.safeParse(tokens[0]);
  if (tokens.length === 1 && parsed.success) {
    return { precision: parsed.data, source: `--${tokens[0]} in the build` };
  }
  return { source: `${tokens.map((t) => `--${t}`).join(' ')} is not one trt-gate precision` };
}

function resolveDevice(input: TrtexecImportInput, build: BuildLogInfo, unknown: Unknown[]) {
  const logName = build.device?.name;
  if (logName && input.device && !same(logName, input.device)) {
    throw contradiction('GPU', logName, '--device', input.device);
  }
  const logCc = build.device?.computeCapability;
  if (logCc && input.computeCapability && logCc !== input.computeCapability) {
    throw contradiction('compute capability', logCc, '--compute-capability', input.computeCapability);
  }
  const name = logName ?? input.device;
  const cc = logCc ?? input.computeCapability;
  if (!name) unknown.push({ what: 'GPU', flag: '--device "<GPU name>"' });
  if (!cc) unknown.push({ what: 'compute capability', flag: '--compute-capability <x.y>' });
  return { deviceName: name ?? UNKNOWN, ...(cc ? { computeCapability: cc } : {}) };
}

export function resolveIdentity(
  input: TrtexecImportInput,
  usage: CheckedUsage,
  args: string[] | undefined,
  build: BuildLogInfo,
): ImportIdentity {
  const unknown: Unknown[] = [];
  const version = resolveVersion(input, usage);
  if (!version) unknown.push({ what: 'TensorRT version', flag: '--trt-version <x.y.z>' });
  const device = resolveDevice(input, build, unknown);

  const modelFile = flagValue(args, 'onnx') ?? flagValue(args, 'loadEngine') ?? build.options.Model?.Model;
  // A model name is a label, not a measurement: --model renames it.
  const model = input.model ?? (modelFile ? basename(modelFile, extname(modelFile)) : undefined);
  if (!model) unknown.push({ what: 'model', flag: '--model <name>' });

  const fromLog = precisionFromLog(version, args, build);
  if (fromLog.precision && usage.precision && fromLog.precision !== usage.precision) {
    throw contradiction(
      'precision',
      `${fromLog.precision} (${fromLog.source})`,
      '--precision',
      usage.precision,
    );
  }
  const precision = fromLog.precision ?? usage.precision;
  if (!precision) unknown.push({ what: 'precision', flag: '--precision <fp32|fp16|bf16|int8>' });
  const precisionSource = fromLog.precision
    ? fromLog.source
    : usage.precision
      ? `--precision (${fromLog.source})`
      : fromLog.source;

  const logBatch = batchFromLog(input.log.text, args);
  if (logBatch !== undefined && input.batchSize !== undefined && logBatch !== input.batchSize) {
    throw contradiction('batch size', String(logBatch), '--batch-size', String(input.batchSize));
  }
  const batchSize = logBatch ?? input.batchSize;
  if (batchSize === undefined) unknown.push({ what: 'batch size', flag: '--batch-size <n>' });

  return {
    ...(version ? { version } : {}),
    ...device,
    model: model ?? UNKNOWN,
    precision: precision ?? 'unknown',
    precisionSource,
    batchSize: batchSize ?? 'unknown',
    unknown,
  };
}

/** The one warning for everything the log did not show. */
export function unknownWarning(source: string, unknown: Unknown[]): string | undefined {
  if (unknown.length === 0) return undefined;
  return `${source}: the log does not show the ${unknown.map((u) => u.what).join(', ')}; recorded as unknown. To complete it pass ${unknown.map((u) => u.flag).join(' ')}`;
}
