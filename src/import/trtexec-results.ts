/** The results.json of an import: an environment from the log (host fields are placeholders) and one entry. */
import { deviceKey, runtimeKey } from '../pipeline/entry.js';
import { resultsHeader } from '../results/header.js';
import {
  type Entry,
  type Environment,
  type Incident,
  type LayerTiming,
  Results,
  type Stage,
} from '../results/schema.js';
import type { BuildLogInfo } from '../runners/trtexec/parse/build-log.js';
import { flagName, RESERVED_FLAGS } from '../runners/trtexec/parse/cli-values.js';
import type { PerformanceSummary } from '../runners/trtexec/parse/performance-summary.js';
import { formatVersion } from '../runners/trtexec/parse/version.js';
import { sha256Json } from '../util/hash.js';
import { toolVersion } from '../version.js';
import { type ImportIdentity, UNKNOWN } from './trtexec-identity.js';
import type { TrtexecImportInput } from './trtexec-input.js';
import type { ImportedLatency } from './trtexec-latency.js';

/** Flags whose value is a file: not part of what was measured. */
const PATH_FLAGS = new Set<string>([...RESERVED_FLAGS, 'loadInputs', 'calib']);

export interface ImportedRun {
  input: TrtexecImportInput;
  args: string[] | undefined;
  build: BuildLogInfo;
  summary: PerformanceSummary | undefined;
  identity: ImportIdentity;
  /** Set for a successful run. */
  latency?: ImportedLatency;
  /** Set for a failed run: its classified incident. */
  failure?: Incident;
  layers: LayerTiming[] | undefined;
  /** What the run measured (data transfers, spin-wait, CUDA graphs), as far as the log shows. */
  measurement?: Record<string, unknown>;
  /** A build without inference (--skipInference): no timings to import. */
  buildOnly?: boolean;
}

function importedEnvironment(run: ImportedRun): Environment {
  const { input, args, build, summary, identity } = run;
  const { version } = identity;
  return {
    runner: 'trtexec',
    // The machine that ran trtexec is not described by its log.
    os: { platform: UNKNOWN, release: UNKNOWN, arch: UNKNOWN },
    host: { cpuModel: 'unknown (imported trtexec log)', cpuCores: 0, memoryBytes: 0 },
    node: 'n/a (imported)',
    runtime: { name: 'tensorrt', version: version ? formatVersion(version) : UNKNOWN },
    device: {
      kind: 'gpu',
      name: identity.deviceName,
      ...(identity.computeCapability ? { computeCapability: identity.computeCapability } : {}),
      ...(build.device?.globalMemoryMiB ? { memoryBytes: build.device.globalMemoryMiB * 2 ** 20 } : {}),
    },
    details: {
      importedFrom: {
        log: input.log.path,
        ...(input.times ? { times: input.times.path } : {}),
        ...(input.profile ? { profile: input.profile.path } : {}),
        ...(input.layers ? { layers: input.layers.path } : {}),
      },
      importedBy: `trt-gate ${toolVersion()} on node ${process.version}`,
      host: 'not in a trtexec log: os/host fields are placeholders',
      ...(identity.unknown.length ? { unknown: identity.unknown.map((u) => u.what) } : {}),
      precisionSource: identity.precisionSource,
      ...(args ? { command: args } : {}),
      ...(version?.build !== undefined ? { tensorrtBuild: version.build } : {}),
      ...(build.device ? { deviceInfo: build.device.raw } : {}),
      measurement: run.measurement ?? 'unknown (the log shows no Inference Options echo)',
      ...(run.buildOnly
        ? { buildOnly: 'the log is a build without inference (--skipInference): no timings' }
        : {}),
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
              ...(summary.totalHostWalltimeS !== undefined
                ? { totalHostWalltimeS: summary.totalHostWalltimeS }
                : {}),
              ...(summary.warnings.enqueueBound ? { enqueueBound: true } : {}),
              ...(summary.truncated ? { missing: summary.missing } : {}),
            },
          }
        : {}),
    },
  };
}

function measuredFields(run: ImportedRun, batchSize: ImportIdentity['batchSize']): Partial<Entry> {
  const { latency } = run;
  if (!latency) return {};
  const { qps } = latency;
  // 7.x prints `throughput: 0 qps` for explicit-batch engines, and items/s needs the batch size: no
  // throughput rather than a wrong one (the printed value stays in environment.details.summary).
  const throughput =
    qps !== undefined && qps > 0 && batchSize !== 'unknown'
      ? { inferencesPerSec: qps, itemsPerSec: qps * batchSize }
      : undefined;
  return {
    latency: {
      unit: 'ms',
      trials: [latency.trial],
      pooled: latency.trial.stats,
      source: latency.source,
      ...(latency.absent.length ? { absent: latency.absent } : {}),
      ...(latency.missing.length ? { missing: latency.missing } : {}),
    },
    ...(throughput ? { throughput } : {}),
  };
}

export function importedResults(run: ImportedRun): Results {
  const { args, identity, layers, failure } = run;
  const { model, precision, batchSize } = identity;
  const environment = importedEnvironment(run);
  const normalized = (args ?? []).filter((a) => !PATH_FLAGS.has(flagName(a)));
  const stage: Stage | undefined = failure?.stage;
  const entry: Entry = {
    id: `${model}/${precision}/b${batchSize}`,
    model,
    precision,
    batchSize,
    status: failure ? 'failed' : 'ok',
    key: {
      model,
      precision,
      batchSize,
      runner: 'trtexec',
      device: deviceKey(environment),
      runtime: runtimeKey(environment),
      optionsHash: sha256Json({
        runner: 'trtexec',
        imported: normalized,
        ...(run.measurement ? { measurement: run.measurement } : {}),
      }),
    },
    ...measuredFields(run, batchSize),
    ...(layers ? { layers } : {}),
    incidents: failure ? [failure] : (run.latency?.incidents ?? []),
    ...(failure && stage ? { error: { stage, message: failure.title } } : {}),
  };

  return Results.parse({
    ...resultsHeader(),
    source: {},
    environment,
    config: { imported: { tool: 'trtexec', ...(environment.details.importedFrom as object) } },
    entries: [entry],
  });
}
