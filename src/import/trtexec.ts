/**
 * `trt-gate import trtexec`: the output of a trtexec run made elsewhere (its log, and optionally its
 * --exportTimes / --exportProfile / --exportLayerInfo files) as a normal results.json.
 *
 * Nothing is invented: every number comes from the files, a value the schema needs and the files lack is
 * either given on the command line (model, precision, batch size, GPU, TensorRT version) or the import is
 * refused with a DataError (exit 4) that says what is missing. Latency samples come from --times; without
 * it, the statistics come from the performance summary and `latency.source` says so — when the summary
 * lacks a statistic results.json requires (standard deviation, coefficient of variation, a percentile),
 * the import is refused rather than filled with a made-up value.
 */
import { randomUUID } from 'node:crypto';
import { basename, extname } from 'node:path';
import { Precision } from '../config/schema.js';
import { DataError, UsageError } from '../errors.js';
import { deviceKey, runtimeKey } from '../pipeline/run.js';
import {
  type Entry,
  type Environment,
  type Incident,
  type LayerTiming,
  RESULTS_SCHEMA_VERSION,
  Results,
  StatsSummary,
  type Trial,
} from '../results/schema.js';
import { parseBuildLog } from '../runners/trtexec/parse/build-log.js';
import { flagName } from '../runners/trtexec/parse/cli-values.js';
import { parseExportLayerInfo } from '../runners/trtexec/parse/export-layer-info.js';
import { parseExportProfile } from '../runners/trtexec/parse/export-profile.js';
import { type ExportTimes, parseExportTimes } from '../runners/trtexec/parse/export-times.js';
import { parseLog } from '../runners/trtexec/parse/log.js';
import {
  type PerformanceSummary,
  parsePerformanceSummary,
} from '../runners/trtexec/parse/performance-summary.js';
import {
  compareVersions,
  detectTrtVersion,
  formatVersion,
  parseVersionString,
  type TrtVersion,
} from '../runners/trtexec/parse/version.js';
import { summarize } from '../stats/summary.js';
import { sha256Json } from '../util/hash.js';
import { toolVersion } from '../version.js';

export interface ImportFile {
  path: string;
  text: string;
}

export interface TrtexecImportInput {
  log: ImportFile;
  times?: ImportFile;
  profile?: ImportFile;
  layers?: ImportFile;
  /** Overrides, or values the log does not carry. */
  model?: string;
  precision?: string;
  batchSize?: number;
  device?: string;
  computeCapability?: string;
  trtVersion?: string;
}

export const SUMMARY_SOURCE = 'trtexec performance summary (no per-query samples)';

/** Flags whose value is a file: not part of what was measured. */
const PATH_FLAGS = new Set([
  'onnx',
  'saveEngine',
  'loadEngine',
  'exportTimes',
  'exportProfile',
  'exportLayerInfo',
  'exportOutput',
  'timingCacheFile',
  'loadInputs',
  'calib',
]);

/** The argv echoed after `# ` on the banner line: `&&&& RUNNING TensorRT.trtexec [TensorRT v…] # trtexec --a --b`. */
export function bannerCommand(log: string): string[] | undefined {
  const m =
    /&&&& (?:RUNNING|PASSED|FAILED) TensorRT\.trtexec \[[^\]]*\](?:\s*\[b\d+\])? # (\S+)((?: \S+)*)/.exec(
      log,
    );
  if (!m) return undefined;
  return (m[2] ?? '').split(' ').filter((a) => a.startsWith('-'));
}

function flagValue(args: string[] | undefined, name: string): string | undefined {
  const arg = args?.find((a) => flagName(a) === name && a.includes('='));
  return arg?.slice(arg.indexOf('=') + 1);
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

function lookLikeTrtexec(text: string): boolean {
  return (
    /&&&& (?:RUNNING|PASSED|FAILED) TensorRT\.trtexec/.test(text) ||
    /TensorRT version:\s*\d/.test(text) ||
    /=== (?:Performance summary|Device Information|Model Options|Build Options|Inference Options) ===/.test(
      text,
    )
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

function requiredStatKeys(): string[] {
  return Object.entries(StatsSummary.shape)
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([key]) => key);
}

/** The summary's latency as a StatsSummary, when it has every statistic the schema requires. */
function statsFromSummary(summary: PerformanceSummary, source: string): StatsSummary {
  const l = summary.latency;
  const known: Record<string, number | undefined> = {
    count: summary.timing?.queries,
    min: l?.min,
    max: l?.max,
    mean: l?.mean,
    median: l?.median,
    p90: l?.percentiles['90'],
    p95: l?.percentiles['95'],
    p99: l?.percentiles['99'],
    // trtexec prints no standard deviation of latency (only a CV of GPU compute time, and only when unstable).
    stddev: undefined,
    cv: undefined,
  };
  const missing = requiredStatKeys().filter((k) => known[k] === undefined);
  if (missing.length > 0) {
    throw new DataError(
      `${source}: the performance summary has no ${missing.join(', ')} of latency, which results.json requires; ` +
        'it cannot be imported without per-query samples: pass --times <the file written by trtexec --exportTimes>',
      source,
    );
  }
  return StatsSummary.parse(Object.fromEntries(Object.entries(known).filter(([, v]) => v !== undefined)));
}

function crossCheck(
  summary: PerformanceSummary | undefined,
  stats: StatsSummary,
  times: string,
): Incident | undefined {
  const l = summary?.latency;
  if (!l) return undefined;
  const off = (
    [
      ['mean', l.mean, stats.mean],
      ['median', l.median, stats.median],
    ] as const
  ).filter(
    ([, printed, computed]) =>
      printed !== undefined && Math.abs(printed - computed) > 0.05 * Math.abs(computed),
  );
  if (off.length === 0) return undefined;
  return {
    kind: 'unreliable-measurement',
    stage: 'benchmark',
    title: "The log's performance summary disagrees with the --times samples",
    message: `${off.map(([w, p, c]) => `summary ${w} ${p} ms vs ${c.toPrecision(6)} ms from ${stats.count} samples in ${times}`).join(', ')}. Are both files from the same run? The samples are used.`,
    nextSteps: ['Import the log and the --exportTimes file of one and the same trtexec run.'],
  };
}

/** Command-line values checked before any file is read (UsageError, exit 2). */
function checkUsage(input: TrtexecImportInput): { precision?: Precision; version?: TrtVersion } {
  if (input.layers && !input.profile) {
    throw new UsageError(
      '--layers adds layer types, precisions and tactics to --profile; give --profile too',
    );
  }
  if (input.batchSize !== undefined && (!Number.isInteger(input.batchSize) || input.batchSize < 1)) {
    throw new UsageError('--batch-size: expected a positive integer');
  }
  if (input.computeCapability !== undefined && !/^\d+\.\d+$/.test(input.computeCapability)) {
    throw new UsageError(
      `--compute-capability: expected e.g. 8.6, got ${JSON.stringify(input.computeCapability)}`,
    );
  }
  let precision: Precision | undefined;
  if (input.precision !== undefined) {
    const p = Precision.safeParse(input.precision);
    if (!p.success) {
      throw new UsageError(
        `--precision: expected one of ${Precision.options.join(', ')}, got ${input.precision}`,
      );
    }
    precision = p.data;
  }
  let version: TrtVersion | undefined;
  if (input.trtVersion !== undefined) {
    version = parseVersionString(input.trtVersion);
    if (!version) {
      throw new UsageError(
        `--trt-version: expected a version like 10.3.0, got ${JSON.stringify(input.trtVersion)}`,
      );
    }
  }
  return { ...(precision ? { precision } : {}), ...(version ? { version } : {}) };
}

export function importTrtexec(input: TrtexecImportInput): Results {
  const usage = checkUsage(input);
  const { log } = input;
  const src = log.path;
  if (!lookLikeTrtexec(log.text)) {
    throw new DataError(
      `${src}: not a trtexec log (no "&&&& RUNNING TensorRT.trtexec" banner, "TensorRT version:" line, device block or performance summary)`,
      src,
    );
  }
  const args = bannerCommand(log.text);

  // TensorRT version
  let version: TrtVersion | undefined = detectTrtVersion(log.text);
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

  const build = parseBuildLog(log.text, src);
  const summary = parsePerformanceSummary(log.text, src);

  // GPU
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

  // Model, precision, batch size
  const modelFile = flagValue(args, 'onnx') ?? flagValue(args, 'loadEngine') ?? build.options.Model?.Model;
  const model = input.model ?? (modelFile ? basename(modelFile, extname(modelFile)) : undefined);
  if (!model)
    throw new DataError(`${src}: the log does not name the model (--onnx / --loadEngine); pass --model`, src);

  let precision = usage.precision;
  if (!precision) {
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
    precision = args
      ? precisionFrom(flagTokens.length ? flagTokens : ['fp32'], 'the trtexec command', src)
      : precisionFrom(
          (build.options.Build?.Precision ?? '').split('+').filter((t) => t !== ''),
          'the Build Options echo',
          src,
        );
    if (!precision) throw new DataError(`${src}: the log does not show the precision; pass --precision`, src);
  }

  const batchSize = input.batchSize ?? batchFromLog(log.text, args);
  if (batchSize === undefined) {
    throw new DataError(
      `${src}: no input shape in the log to take the batch size from; pass --batch-size`,
      src,
    );
  }

  // Latency
  const incidents: Incident[] = [];
  let trial: Trial;
  let latencySource: string;
  let times: ExportTimes | undefined;
  if (input.times) {
    const warmUp = flagValue(args, 'warmUp');
    times = parseExportTimes(input.times.text, input.times.path, warmUp ? { warmUpMs: Number(warmUp) } : {});
    const stats = summarize(times.latencyMs);
    const wallMs =
      times.wallMs ??
      (summary?.totalHostWalltimeS !== undefined
        ? summary.totalHostWalltimeS * 1000
        : times.latencyMs.reduce((a, b) => a + b, 0));
    trial = { samples: times.latencyMs, stats, wallMs };
    latencySource = `trtexec --exportTimes latencyMs (imported from ${basename(input.times.path)})`;
    const mismatch = crossCheck(summary, stats, input.times.path);
    if (mismatch) incidents.push(mismatch);
  } else {
    if (!summary) {
      throw new DataError(
        `${src}: the log has no "=== Performance summary ===" and no --times was given: nothing to import`,
        src,
      );
    }
    const stats = statsFromSummary(summary, src);
    const wallS = summary.totalHostWalltimeS ?? summary.timing?.seconds;
    if (wallS === undefined)
      throw new DataError(`${src}: the summary has no Total Host Walltime; pass --times`, src);
    trial = { samples: [], stats, wallMs: wallS * 1000 };
    latencySource = SUMMARY_SOURCE;
  }
  if (summary?.warnings.unstableCvPct !== undefined) {
    incidents.push({
      kind: 'unreliable-measurement',
      stage: 'benchmark',
      title: 'trtexec reports unstable GPU compute time',
      message: `"GPU compute time is unstable, with coefficient of variance = ${summary.warnings.unstableCvPct}%".`,
      nextSteps: [
        'Lock the GPU clocks (`nvidia-smi -lgc`) and use --useSpinWait on the machine that ran trtexec.',
      ],
    });
  }
  const qps =
    summary?.throughputQps ?? (trial.wallMs > 0 ? (trial.stats.count / trial.wallMs) * 1000 : undefined);
  if (qps === undefined)
    throw new DataError(`${src}: no throughput in the log and no timings to compute it from`, src);

  // Layers
  let layers: LayerTiming[] | undefined;
  if (input.profile) {
    const info = input.layers ? parseExportLayerInfo(input.layers.text, input.layers.path) : undefined;
    layers = parseExportProfile(input.profile.text, input.profile.path, info).layers;
  }

  const environment: Environment = {
    runner: 'trtexec',
    // The machine that ran trtexec is not described by its log.
    os: { platform: 'unknown', release: 'unknown', arch: 'unknown' },
    host: { cpuModel: 'unknown (imported trtexec log)', cpuCores: 0, memoryBytes: 0 },
    node: 'n/a (imported)',
    runtime: { name: 'tensorrt', version: formatVersion(version) },
    device: {
      kind: 'gpu',
      name,
      ...(cc ? { computeCapability: cc } : {}),
      ...(build.device?.globalMemoryMiB ? { memoryBytes: build.device.globalMemoryMiB * 2 ** 20 } : {}),
    },
    details: {
      importedFrom: {
        log: log.path,
        ...(input.times ? { times: input.times.path } : {}),
        ...(input.profile ? { profile: input.profile.path } : {}),
        ...(input.layers ? { layers: input.layers.path } : {}),
      },
      importedBy: `trt-gate ${toolVersion()} on node ${process.version}`,
      host: 'not in a trtexec log: os/host fields are placeholders',
      ...(args ? { command: args } : {}),
      ...(version.build !== undefined ? { tensorrtBuild: version.build } : {}),
      ...(build.device ? { deviceInfo: build.device.raw } : {}),
      build: {
        ...(build.engineBuiltSec !== undefined ? { engineBuiltSec: build.engineBuiltSec } : {}),
        ...(build.engineGenerationSec !== undefined
          ? { engineGenerationSec: build.engineGenerationSec }
          : {}),
        ...(build.engineSizeMiB !== undefined ? { engineSizeMiB: build.engineSizeMiB } : {}),
        ...(build.memory.peakGpuMiB !== undefined ? { peakGpuMiB: build.memory.peakGpuMiB } : {}),
      },
      ...(summary
        ? {
            summary: {
              ...(summary.throughputQps !== undefined ? { throughputQps: summary.throughputQps } : {}),
              ...(summary.gpuCompute ? { gpuComputeMs: summary.gpuCompute } : {}),
              ...(summary.truncated ? { missing: summary.missing } : {}),
            },
          }
        : {}),
    },
  };

  const normalized = (args ?? []).filter((a) => !PATH_FLAGS.has(flagName(a)));
  const entry: Entry = {
    id: `${model}/${precision}/b${batchSize}`,
    model,
    precision,
    batchSize,
    status: 'ok',
    key: {
      model,
      precision,
      batchSize,
      runner: 'trtexec',
      device: deviceKey(environment),
      runtime: runtimeKey(environment),
      optionsHash: sha256Json({ runner: 'trtexec', imported: normalized }),
    },
    latency: { unit: 'ms', trials: [trial], pooled: trial.stats, source: latencySource },
    throughput: { inferencesPerSec: qps, itemsPerSec: qps * batchSize },
    ...(layers ? { layers } : {}),
    incidents,
  };

  const results = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'trt-gate' as const, version: toolVersion() },
    runId: randomUUID(),
    createdAt: new Date().toISOString(),
    source: {},
    environment,
    config: { imported: { tool: 'trtexec', ...(environment.details.importedFrom as object) } },
    entries: [entry],
  };
  return Results.parse(results);
}
