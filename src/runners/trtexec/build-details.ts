/** What is recorded about an engine build: its time (best source first) and details from trtexec's log. */
import type { Invocation } from './invoke.js';
import { type BuildLogInfo, parseBuildLog } from './parse/build-log.js';

export interface BuildFacts {
  tensorrt: string;
  buildArgs: string[];
  engineBytes: number;
  dynamic: Set<string>;
}

/** A log that cannot be parsed still yields a build (wall-clock time, `logParseError` in the details). */
export function describeBuild(
  log: string,
  logFile: string,
  run: Invocation,
  facts: BuildFacts,
): { timeMs: number; details: Record<string, unknown> } {
  let info: BuildLogInfo | undefined;
  let parseError: string | undefined;
  try {
    info = parseBuildLog(log, logFile);
  } catch (error) {
    parseError = (error as Error).message;
  }
  const timeMs =
    info?.engineBuiltSec !== undefined
      ? info.engineBuiltSec * 1000
      : info?.engineGenerationSec !== undefined
        ? info.engineGenerationSec * 1000
        : run.durationMs;
  const details: Record<string, unknown> = {
    tensorrt: facts.tensorrt,
    buildArgs: facts.buildArgs,
    timeSource:
      info?.engineBuiltSec !== undefined
        ? 'trtexec "Engine built in"'
        : info?.engineGenerationSec !== undefined
          ? 'TensorRT "Engine generation completed in"'
          : 'wall clock of the trtexec process',
    wallMs: run.durationMs,
    engineBytes: facts.engineBytes,
    ...(info?.engineSizeMiB !== undefined ? { engineSizeMiB: info.engineSizeMiB } : {}),
    ...(info?.engineGenerationSec !== undefined ? { engineGenerationSec: info.engineGenerationSec } : {}),
    ...(info
      ? {
          memory: {
            ...(info.memory.peakCpuMiB !== undefined ? { peakCpuMiB: info.memory.peakCpuMiB } : {}),
            ...(info.memory.peakGpuMiB !== undefined ? { peakGpuMiB: info.memory.peakGpuMiB } : {}),
            ...(info.memory.totalActivationBytes !== undefined
              ? { totalActivationBytes: info.memory.totalActivationBytes }
              : {}),
            ...(info.memory.totalWeightsBytes !== undefined
              ? { totalWeightsBytes: info.memory.totalWeightsBytes }
              : {}),
            ...(info.memory.maxScratchBytes !== undefined
              ? { maxScratchBytes: info.memory.maxScratchBytes }
              : {}),
          },
          tacticsSkippedForMemory: info.tacticsSkippedForMemory,
        }
      : {}),
    ...(parseError ? { logParseError: parseError } : {}),
    dynamicInputs: [...facts.dynamic],
  };
  return { timeMs, details };
}
