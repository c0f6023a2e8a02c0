/** The results.json of an import: an environment from the log (host fields are placeholders) and one entry. */
import { randomUUID } from 'node:crypto';
import { deviceKey, runtimeKey } from '../pipeline/run.js';
import {
  type Entry,
  type Environment,
  type LayerTiming,
  RESULTS_SCHEMA_VERSION,
  Results,
} from '../results/schema.js';
import type { BuildLogInfo } from '../runners/trtexec/parse/build-log.js';
import { flagName, RESERVED_FLAGS } from '../runners/trtexec/parse/cli-values.js';
import type { PerformanceSummary } from '../runners/trtexec/parse/performance-summary.js';
import { formatVersion, type TrtVersion } from '../runners/trtexec/parse/version.js';
import { sha256Json } from '../util/hash.js';
import { toolVersion } from '../version.js';
import type { ImportIdentity } from './trtexec-identity.js';
import type { TrtexecImportInput } from './trtexec-input.js';
import type { ImportedLatency } from './trtexec-latency.js';

/** Flags whose value is a file: not part of what was measured. */
const PATH_FLAGS = new Set<string>([...RESERVED_FLAGS, 'loadInputs', 'calib']);

export interface ImportedRun {
  input: TrtexecImportInput;
  args: string[] | undefined;
  version: TrtVersion;
  build: BuildLogInfo;
  summary: PerformanceSummary | undefined;
  identity: ImportIdentity;
  latency: ImportedLatency;
  layers: LayerTiming[] | undefined;
}

function importedEnvironment({ input, args, version, build, summary, identity }: ImportedRun): Environment {
  return {
    runner: 'trtexec',
    // The machine that ran trtexec is not described by its log.
    os: { platform: 'unknown', release: 'unknown', arch: 'unknown' },
    host: { cpuModel: 'unknown (imported trtexec log)', cpuCores: 0, memoryBytes: 0 },
    node: 'n/a (imported)',
    runtime: { name: 'tensorrt', version: formatVersion(version) },
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
}

export function importedResults(run: ImportedRun): Results {
  const { args, identity, latency, layers } = run;
  const { model, precision, batchSize } = identity;
  const environment = importedEnvironment(run);
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
    latency: { unit: 'ms', trials: [latency.trial], pooled: latency.trial.stats, source: latency.source },
    throughput: { inferencesPerSec: latency.qps, itemsPerSec: latency.qps * batchSize },
    ...(layers ? { layers } : {}),
    incidents: latency.incidents,
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
