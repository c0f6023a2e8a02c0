/**
 * The runner's side of ./engine-precision.ts: strongly typed builds write their layer information, and
 * an entry is only labelled with a precision its engine holds. Otherwise the build fails (an
 * `engine-build-failure` naming what the layers show), never a run published under a wrong label.
 */
import { join } from 'node:path';
import type { Incident } from '../../results/schema.js';
import { type BuildRequest, RunnerError } from '../types.js';
import { describeEnginePrecision, type EnginePrecision, readEnginePrecision } from './engine-precision.js';
import { isStronglyTyped } from './flags.js';
import type { TrtexecOptions } from './options.js';
import type { TrtVersion } from './parse/version.js';

export interface StrongTyping {
  layerInfo: string;
  /** The build's layer information, labelled; a missing or unreadable file fails the build. */
  read(logFile: string): Promise<EnginePrecision>;
}

export function layerInfoFile(workDir: string, base: string): string {
  return join(workDir, `${base}.layers.json`);
}

export function strongTyping(
  options: Pick<TrtexecOptions, 'extraBuildFlags'>,
  version: TrtVersion,
  layerInfo: string,
): StrongTyping | undefined {
  if (!isStronglyTyped(options.extraBuildFlags, version)) return undefined;
  return {
    layerInfo,
    async read(logFile) {
      try {
        return await readEnginePrecision(layerInfo);
      } catch (error) {
        throw failure(
          'trtexec wrote no readable layer information',
          `${(error as Error).message}. A strongly typed engine is labelled from its layer information (--exportLayerInfo); without it the entry's precision is unchecked.`,
          logFile,
        );
      }
    },
  };
}

/** Throws unless `recorded` (build.details.enginePrecision) holds the requested precision. */
export function checkEnginePrecision(recorded: unknown, request: BuildRequest, logFile: string): void {
  const p = recorded as EnginePrecision | undefined;
  if (p?.label === request.precision) return;
  const shows = p ? describeEnginePrecision(p) : 'nothing (no layer information was recorded)';
  throw failure(
    `engine holds ${p?.label ?? 'no trt-gate precision'}, not ${request.precision}`,
    `${request.model} was configured as ${request.precision}, but its engine is strongly typed (its types come from the model) and its layers show ${shows}. Set models[name=${request.model}].precisions to what the model holds, or give this precision a model cast or quantized to it (models[].variants).`,
    logFile,
  );
}

function failure(title: string, message: string, logFile: string): RunnerError {
  const incident: Incident = {
    kind: 'engine-build-failure',
    stage: 'build',
    title,
    message,
    nextSteps: [`Full trtexec log: ${logFile}`],
  };
  return new RunnerError('build', incident);
}
