/**
 * What the runner reports about the machine: the GPU (from nvidia-smi, else from trtexec's own device
 * block) and the environment block of results.json.
 */

import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import type { Environment } from '../../results/schema.js';
import { hostInfo } from '../../util/machine.js';
import type { RunnerContext } from '../types.js';
import { combinedLog, type DetectedVersion, invoke } from './invoke.js';
import { engineCacheFor, timingCachePath } from './locations.js';
import type { NvidiaSmi } from './nvidia-smi.js';
import type { TrtexecOptions } from './options.js';
import { type BuildLogInfo, parseBuildLog } from './parse/build-log.js';
import { formatVersion, fullVersion } from './parse/version.js';
import type { GpuSample } from './smi-csv.js';

export const VERSION_TIMEOUT_MS = 60_000;

export interface GpuIdentity {
  name: string;
  computeCapability: string;
  driver?: string;
  memoryBytes?: number;
}

export interface ProbeInput {
  trtexec: string;
  options: TrtexecOptions;
  context: RunnerContext;
  detected: DetectedVersion;
  /** nvidia-smi, unless runner.nvidiaSmi is false. */
  smi?: NvidiaSmi;
  /** The runner's scratch directory, made on first use. */
  tmp: () => Promise<string>;
}

export interface ProbeResult {
  environment: Environment;
  gpu: GpuIdentity;
  /** nvidia-smi when it named the GPU; health is sampled only then. */
  smi?: NvidiaSmi;
  /** Why there is no nvidia-smi (reported in the environment and in each benchmark's health). */
  smiUnavailable?: string;
}

/**
 * Without nvidia-smi the GPU is read from trtexec's own `=== Device Information ===` block, which it
 * prints before loading anything: a run with an engine path that does not exist prints it, then fails.
 */
async function deviceFromTrtexec(input: ProbeInput, smiError: string | undefined): Promise<GpuIdentity> {
  const dir = await input.tmp();
  const run = await invoke(input.trtexec, [`--loadEngine=${join(dir, 'no-such.engine')}`], {
    timeoutMs: VERSION_TIMEOUT_MS,
  });
  let device: BuildLogInfo['device'];
  try {
    device = parseBuildLog(combinedLog(run), 'trtexec device probe').device;
  } catch {
    device = undefined;
  }
  if (!device?.name || !device.computeCapability) {
    throw new ConfigError([
      {
        file: 'trt-gate.yml',
        path: 'runner.nvidiaSmi',
        message: `cannot identify the GPU: ${smiError ?? 'nvidia-smi is disabled'}, and trtexec printed no device information; enable nvidia-smi (runner.nvidiaSmi) or check the CUDA installation`,
      },
    ]);
  }
  return {
    name: device.name,
    computeCapability: device.computeCapability,
    ...(device.globalMemoryMiB ? { memoryBytes: device.globalMemoryMiB * 2 ** 20 } : {}),
  };
}

/** GPU identity and environment; nvidia-smi is dropped when it cannot name the GPU. */
export async function probeEnvironment(input: ProbeInput): Promise<ProbeResult> {
  const { options } = input;
  const { version, banner } = input.detected;
  let smi = input.smi;
  let smiError: string | undefined;
  let sample: GpuSample | undefined;
  if (smi) {
    const r = await smi.query('before');
    if (r.sample?.name) sample = r.sample;
    else {
      smiError = r.error ?? 'nvidia-smi printed no GPU name';
      smi = undefined;
    }
  }
  const gpu = sample?.name
    ? {
        name: sample.name,
        computeCapability:
          sample.computeCapability ?? (await deviceFromTrtexec(input, smiError)).computeCapability,
        ...(sample.driver ? { driver: sample.driver } : {}),
        ...(sample.memoryTotalMiB ? { memoryBytes: sample.memoryTotalMiB * 2 ** 20 } : {}),
      }
    : await deviceFromTrtexec(input, smiError);
  const smiUnavailable = options.nvidiaSmi === false ? 'runner.nvidiaSmi: false' : smiError;

  const environment: Environment = {
    runner: 'trtexec',
    ...hostInfo(),
    node: process.version,
    runtime: { name: 'tensorrt', version: formatVersion(version) },
    device: {
      kind: 'gpu',
      name: gpu.name,
      computeCapability: gpu.computeCapability,
      ...(gpu.driver ? { driver: gpu.driver } : {}),
      ...(gpu.memoryBytes ? { memoryBytes: gpu.memoryBytes } : {}),
    },
    details: {
      trtexec: input.trtexec,
      banner,
      tensorrtBuild: fullVersion(version),
      engineCache: engineCacheFor(options, input.context)?.dir ?? 'disabled',
      timingCache: timingCachePath(options, input.context, version, gpu) ?? 'disabled',
      nvidiaSmi: smi ? { fields: smi.queryFields } : { disabled: smiUnavailable },
      ...(sample
        ? {
            gpuAtProbe: {
              smClockMHz: sample.smClockMHz,
              maxSmClockMHz: sample.maxSmClockMHz,
              temperatureC: sample.temperatureC,
              powerLimitW: sample.powerLimitW,
              pstate: sample.pstate,
            },
          }
        : {}),
    },
  };
  return { environment, gpu, ...(smi ? { smi } : {}), ...(smiUnavailable ? { smiUnavailable } : {}) };
}
