/** One benchmark attempt: a timed `trtexec --loadEngine --exportTimes` run per trial, the GPU sampled around it. */
import { join } from 'node:path';
import type { Incident } from '../../results/schema.js';
import type { BenchmarkPlan, ProgressFn } from '../types.js';
import { runOptions, runShapes } from './flag-options.js';
import { benchmarkArgs } from './flags.js';
import { sampleDuring, sampleGpu } from './gpu-sampling.js';
import {
  crashedAfterPass,
  crossCheckIncident,
  exitCrashIncident,
  runFailure,
  unstableIncident,
  writeRunLog,
} from './incidents.js';
import { succeeded } from './invoke.js';
import type { NvidiaSmi } from './nvidia-smi.js';
import { argsFor } from './option-checks.js';
import { type EngineRun, runTrtexec } from './run-context.js';
import type { GpuSample } from './smi-csv.js';
import { readTrialTimes } from './trial-times.js';

export interface Attempt {
  /** Per-query latency in ms, one array per trial. */
  trials: number[][];
  wallMs: number[];
  incidents: Incident[];
  /** nvidia-smi samples before, during and after the trials (empty without nvidia-smi). */
  samples: GpuSample[];
}

export async function runAttempt(
  run: EngineRun,
  plan: BenchmarkPlan,
  loadInputs: Array<{ name: string; file: string }>,
  attempt: number,
  smi: NvidiaSmi | undefined,
  progress: ProgressFn,
): Promise<Attempt> {
  const { setup, engine, dir } = run;
  const o = setup.options;
  const shapes = runShapes(engine.request, run.dynamic);
  const warmUpMs = o.warmUpMs ?? 200;
  const durationS = o.durationSec ?? plan.minDurationMs / 1000;
  // Enough samples to cover the run limit; the loop stops with the run anyway.
  const maxSamples = Math.ceil((o.timeoutSec.run * 1000) / o.health.sampleIntervalMs) + 1;

  const samples: GpuSample[] = [];
  const before = await sampleGpu(smi, 'before');
  if (before) samples.push(before);
  const trials: number[][] = [];
  const wallMs: number[] = [];
  const incidents: Incident[] = [];
  const unstable: number[] = [];
  const disagreements: string[] = [];
  const crashedAtExit: number[] = [];
  let crashHow = '';
  for (let trial = 0; trial < plan.trials; trial++) {
    progress(`trial ${trial + 1}/${plan.trials}`);
    const timesFile = join(dir, `times-${attempt}-${trial}.json`);
    const argv = argsFor('extraRunFlags', () =>
      benchmarkArgs(
        runOptions(o, {
          loadEngine: engine.artifactPath,
          shapes,
          warmUpMs,
          iterations: plan.iterations,
          durationS,
          exportTimes: timesFile,
          loadInputs,
          infStreams: plan.concurrency,
        }),
        setup.version,
      ),
    );
    const { result: invocation, samples: during } = await sampleDuring(
      runTrtexec(setup, argv, 'run'),
      () => sampleGpu(smi, 'during'),
      o.health.sampleIntervalMs,
      maxSamples,
    );
    samples.push(...during);
    const logFile = await writeRunLog(engine.request, `benchmark-${attempt}-${trial}`, invocation);
    if (!succeeded(invocation)) {
      if (!crashedAfterPass(invocation)) throw runFailure(setup, 'benchmark', invocation, logFile);
      crashedAtExit.push(trial + 1);
      crashHow = invocation.signal
        ? `died of ${invocation.signal}`
        : `exited with code ${invocation.exitCode}`;
    }
    const measured = await readTrialTimes(timesFile, invocation, warmUpMs, logFile);
    trials.push(measured.samples);
    wallMs.push(measured.wallMs ?? invocation.durationMs);
    if (measured.disagreement) disagreements.push(`trial ${trial + 1}: ${measured.disagreement}`);
    if (measured.unstableCvPct !== undefined) unstable.push(measured.unstableCvPct);
  }
  const after = await sampleGpu(smi, 'after');
  if (after) samples.push(after);
  if (disagreements.length > 0) incidents.push(crossCheckIncident(disagreements.join('; ')));
  if (crashedAtExit.length > 0)
    incidents.push(
      exitCrashIncident(
        `${crashHow} (trial${crashedAtExit.length > 1 ? 's' : ''} ${crashedAtExit.join(', ')})`,
      ),
    );
  if (unstable.length > 0) incidents.push(unstableIncident(unstable, plan.trials));
  return { trials, wallMs, incidents, samples };
}
