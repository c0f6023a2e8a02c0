/**
 * What an imported log measured: TensorRT version, GPU, model, precision and batch size, read from the
 * log and checked against the command line (a conflict is a DataError; a value neither has is too).
 */
import { basename, extname } from 'node:path';
import { Precision } from '../config/schema.js';
import { DataError } from '../errors.js';
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

export function looksLikeTrtexec(text: string): boolean {
  return (
    /&&&& (?:RUNNING|PASSED|FAILED) TensorRT\.trtexec/.test(text) ||
    /TensorRT version:\s*\d/.test(text) ||
    /=== (?:Performance summary|Device Information|Model Options|Build Options|Inference Options) ===/.test(
      text,
    )
  );
}

function same(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** `FP32+FP16` (Build Options echo) or precision flags → one trt-gate precision; undefined when none is named. */
function precisionFrom(tokens: string[], where: string, source: string): Precision | undefined {
  const named = new Set(tokens.map((t) => t.toLowerCase()).filter((t) => t !== 'fp32' && t !== 'tf32'));
  if (tokens.length === 0) return undefined;
  if (named.size === 0) return 'fp32';
  if (named.size === 1) {
    const only = [...named][0]!;
    const parsed = Precision.safeParse(only);
    if (parsed.success) return parsed.data;
  }
  throw new DataError(
    `${source}: ${where} names precisions ${[...named].join('+')}, which is not one trt-gate precision; pass --precision`,
    source,
  );
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
  const shapes = flagValue(args, 'shapes');
  const m = shapes ? /^[^,]*:(\d+)(?:x\d+)*/.exec(shapes) : null;
  return m ? Number(m[1]) : undefined;
}

export function resolveVersion(input: TrtexecImportInput, usage: CheckedUsage): TrtVersion {
  const src = input.log.path;
  let version: TrtVersion | undefined = detectTrtVersion(input.log.text);
  const given = usage.version;
  if (given) {
    if (version && compareVersions(version, given) !== 0) {
      throw new DataError(
        `${src}: the log is from TensorRT ${formatVersion(version)}, not ${input.trtVersion}`,
        src,
      );
    }
    version ??= given;
  }
  if (!version) {
    throw new DataError(
      `${src}: no TensorRT version in the log (banner or "TensorRT version:" line); pass --trt-version`,
      src,
    );
  }
  return version;
}

export interface ImportIdentity {
  deviceName: string;
  computeCapability?: string;
  model: string;
  precision: Precision;
  batchSize: number;
}

function resolveDevice(
  input: TrtexecImportInput,
  build: BuildLogInfo,
): Pick<ImportIdentity, 'deviceName' | 'computeCapability'> {
  const src = input.log.path;
  const name = build.device?.name ?? input.device;
  if (build.device?.name && input.device && !same(build.device.name, input.device)) {
    throw new DataError(`${src}: the log ran on ${build.device.name}, not ${input.device}`, src);
  }
  if (!name)
    throw new DataError(
      `${src}: no "=== Device Information ===" block in the log; pass --device "<GPU name>"`,
      src,
    );
  const cc = build.device?.computeCapability ?? input.computeCapability;
  if (
    build.device?.computeCapability &&
    input.computeCapability &&
    build.device.computeCapability !== input.computeCapability
  ) {
    throw new DataError(
      `${src}: the log shows compute capability ${build.device.computeCapability}, not ${input.computeCapability}`,
      src,
    );
  }
  return { deviceName: name, ...(cc ? { computeCapability: cc } : {}) };
}

/** From the build flags (or the Build Options echo) when the log built the engine, before TensorRT 11. */
function precisionFromLog(
  src: string,
  version: TrtVersion,
  args: string[] | undefined,
  build: BuildLogInfo,
): Precision {
  const built = flagValue(args, 'onnx') !== undefined || build.options.Model?.Format === 'ONNX';
  if (!built) {
    throw new DataError(
      `${src}: the log loads an engine built elsewhere, so its precision is not in the log; pass --precision`,
      src,
    );
  }
  if (version.major >= 11) {
    throw new DataError(
      `${src}: TensorRT ${formatVersion(version)} builds strongly typed networks, so the precision comes from the model, not the log; pass --precision`,
      src,
    );
  }
  const flagTokens = (args ?? [])
    .map(flagName)
    .filter((f) => ['fp16', 'bf16', 'int8', 'best', 'fp8'].includes(f));
  const precision = args
    ? precisionFrom(flagTokens.length ? flagTokens : ['fp32'], 'the trtexec command', src)
    : precisionFrom(
        (build.options.Build?.Precision ?? '').split('+').filter((t) => t !== ''),
        'the Build Options echo',
        src,
      );
  if (!precision) throw new DataError(`${src}: the log does not show the precision; pass --precision`, src);
  return precision;
}

/** GPU, model, precision and batch size, in that order of checking. */
export function resolveIdentity(
  input: TrtexecImportInput,
  usage: CheckedUsage,
  version: TrtVersion,
  args: string[] | undefined,
  build: BuildLogInfo,
): ImportIdentity {
  const src = input.log.path;
  const device = resolveDevice(input, build);

  const modelFile = flagValue(args, 'onnx') ?? flagValue(args, 'loadEngine') ?? build.options.Model?.Model;
  const model = input.model ?? (modelFile ? basename(modelFile, extname(modelFile)) : undefined);
  if (!model)
    throw new DataError(`${src}: the log does not name the model (--onnx / --loadEngine); pass --model`, src);

  const precision = usage.precision ?? precisionFromLog(src, version, args, build);

  const batchSize = input.batchSize ?? batchFromLog(input.log.text, args);
  if (batchSize === undefined) {
    throw new DataError(
      `${src}: no input shape in the log to take the batch size from; pass --batch-size`,
      src,
    );
  }
  return { ...device, model, precision, batchSize };
}
