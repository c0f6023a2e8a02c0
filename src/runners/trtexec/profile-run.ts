/** Per-layer times: a separate run with the profiler attached (it changes timings, and trtexec then prints no summary). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Incident, LayerTiming } from '../../results/schema.js';
import type { BenchmarkPlan, ProgressFn } from '../types.js';
import { runOptions, runShapes } from './flag-options.js';
import { benchmarkArgs } from './flags.js';
import { runFailure, writeRunLog } from './incidents.js';
import { succeeded } from './invoke.js';
import { parseExportLayerInfo } from './parse/export-layer-info.js';
import { parseExportProfile } from './parse/export-profile.js';
import { type EngineRun, runTrtexec } from './run-context.js';

/** A failed or unreadable profile is an incident, not a failure: the timed trials stand without it. */
export async function profileLayers(
  run: EngineRun,
  plan: BenchmarkPlan,
  loadInputs: Array<{ name: string; file: string }>,
  progress: ProgressFn,
): Promise<{ layers?: LayerTiming[]; incident?: Incident }> {
  progress('per-layer profile');
  const { setup, engine, dir } = run;
  const profileFile = join(dir, 'profile.json');
  const layerFile = join(dir, 'layers.json');
  const argv = benchmarkArgs(
    runOptions(
      setup.options,
      {
        loadEngine: engine.artifactPath,
        shapes: runShapes(engine.request, run.dynamic),
        warmUpMs: setup.options.warmUpMs ?? 200,
        iterations: plan.iterations,
        durationS: 0,
        exportProfile: profileFile,
        exportLayerInfo: layerFile,
        profilingVerbosity: 'detailed',
        loadInputs,
      },
      false,
    ),
    setup.version,
  );
  const invocation = await runTrtexec(setup, argv, 'run');
  const logFile = await writeRunLog(engine.request, 'profile', invocation);
  if (!succeeded(invocation)) {
    const incident = runFailure(setup, 'benchmark', invocation, logFile).incident;
    return { incident: { ...incident, title: `Per-layer profile run failed: ${incident.title}` } };
  }
  try {
    const info = parseExportLayerInfo(await readFile(layerFile, 'utf8'), layerFile);
    return { layers: parseExportProfile(await readFile(profileFile, 'utf8'), profileFile, info).layers };
  } catch (error) {
    return {
      incident: {
        kind: 'runtime-error',
        stage: 'benchmark',
        title: 'Per-layer profile could not be read',
        message: (error as Error).message,
        nextSteps: [`Full trtexec log: ${logFile}`],
      },
    };
  }
}
