/** Runner options → the option objects ./flags.ts turns into trtexec argv. */
import type { InputSpec } from '../../config/schema.js';
import type { BuildRequest } from '../types.js';
import type { TrtexecBenchmarkOptions, TrtexecBuildOptions } from './flags.js';
import type { TrtexecOptions } from './options.js';

export function buildOptions(o: TrtexecOptions, base: TrtexecBuildOptions): TrtexecBuildOptions {
  return {
    ...base,
    ...(o.workspaceMiB !== undefined ? { workspaceMiB: o.workspaceMiB } : {}),
    ...(o.builderOptimizationLevel !== undefined
      ? { builderOptimizationLevel: o.builderOptimizationLevel }
      : {}),
    ...(o.hardwareCompatibilityLevel !== undefined
      ? { hardwareCompatibilityLevel: o.hardwareCompatibilityLevel }
      : {}),
    ...(o.tf32 === false ? { noTF32: true } : {}),
    // Layer info with tactics and precisions needs an engine built with detailed verbosity.
    ...(o.profile ? { profilingVerbosity: 'detailed' as const } : {}),
    extraFlags: o.extraBuildFlags,
  };
}

/** Options shared by every run of an engine (timed or not): the user's flags and data-transfer choice. */
export function runOptions(
  o: TrtexecOptions,
  base: TrtexecBenchmarkOptions,
  timed = true,
): TrtexecBenchmarkOptions {
  return {
    ...(timed
      ? {
          ...(o.avgRuns !== undefined ? { avgRuns: o.avgRuns } : {}),
          ...(o.useSpinWait !== undefined ? { useSpinWait: o.useSpinWait } : {}),
          ...(o.useCudaGraph !== undefined ? { useCudaGraph: o.useCudaGraph } : {}),
          ...(o.noDataTransfers !== undefined ? { noDataTransfers: o.noDataTransfers } : {}),
        }
      : {}),
    ...base,
    extraFlags: o.extraRunFlags,
  };
}

/** Optimisation-profile shapes for the dynamic inputs (only `--optShapes` when no input has a profile). */
export function shapeFlags(
  inputs: InputSpec[],
  dynamic: Set<string>,
): Pick<TrtexecBuildOptions, 'minShapes' | 'optShapes' | 'maxShapes'> {
  const dyn = inputs.filter((i) => dynamic.has(i.name));
  if (dyn.length === 0) return {};
  const withProfile = dyn.some((i) => i.profile);
  const opt = dyn.map((i) => ({ name: i.name, dims: i.profile?.opt ?? i.shape }));
  if (!withProfile) return { optShapes: opt };
  return {
    minShapes: dyn.map((i) => ({ name: i.name, dims: i.profile?.min ?? i.shape })),
    optShapes: opt,
    maxShapes: dyn.map((i) => ({ name: i.name, dims: i.profile?.max ?? i.shape })),
  };
}

/** `--shapes` for a run: each dynamic input at its configured shape (batch size applied). */
export function runShapes(request: BuildRequest, dynamic: Set<string>) {
  return request.inputs.filter((i) => dynamic.has(i.name)).map((i) => ({ name: i.name, dims: i.shape }));
}
