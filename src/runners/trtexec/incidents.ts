/** How a trtexec run that went wrong is reported: its log on disk, and an incident that points at it. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Incident, Stage } from '../../results/schema.js';
import { type BuildRequest, RunnerError } from '../types.js';
import { classifyTrtexecFailure } from './classify.js';
import { combinedLog, type Invocation } from './invoke.js';
import type { TrtexecSetup } from './run-context.js';

/** Writes the full log of one invocation next to the engine's artifacts; returns its path. */
export async function writeRunLog(request: BuildRequest, stage: string, run: Invocation): Promise<string> {
  const dir = join(request.workDir, 'logs');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${request.model}-${request.precision}-b${request.batchSize}.${stage}.log`);
  const header = `# trtexec ${run.argv.join(' ')}\n# exit ${run.exitCode ?? run.signal ?? 'none'}${run.timedOut ? ' (timed out)' : ''} after ${Math.round(run.durationMs)} ms\n`;
  await writeFile(file, `${header}${combinedLog(run)}`);
  return file;
}

/** A failed invocation, classified from its output. */
export function runFailure(
  setup: Pick<TrtexecSetup, 'trtexec' | 'options'>,
  stage: Stage,
  run: Invocation,
  logFile: string,
): RunnerError {
  if (run.spawnError) {
    return new RunnerError(stage, {
      kind: 'runtime-error',
      stage,
      title: 'trtexec could not be started',
      message: `cannot run ${setup.trtexec}: ${run.spawnError.message}`,
      nextSteps: ['Check runner.path and that trtexec is executable on this machine.'],
    });
  }
  const incident = classifyTrtexecFailure({
    stage,
    exitCode: run.exitCode,
    stdout: run.stdout,
    stderr: run.stderr,
    timedOut: run.timedOut,
    signal: run.signal,
  });
  if (run.timedOut) {
    const limit = stage === 'build' ? setup.options.timeoutSec.build : setup.options.timeoutSec.run;
    incident.message = `${incident.message} (limit: runner.timeoutSec.${stage === 'build' ? 'build' : 'run'} = ${limit} s)`;
  }
  incident.nextSteps = [...incident.nextSteps, `Full trtexec log: ${logFile}`];
  return new RunnerError(stage, incident);
}

/** trtexec succeeded but a file it was asked to write is missing or malformed. */
export function unreadable(stage: Stage, message: string, logFile: string): RunnerError {
  return new RunnerError(stage, {
    kind: 'runtime-error',
    stage,
    title: "trtexec's output could not be read",
    message,
    nextSteps: [
      'Check that this trtexec writes the files it was asked for (--exportTimes / --exportOutput).',
      `Full trtexec log: ${logFile}`,
    ],
  });
}

export function crossCheckIncident(detail: string): Incident {
  return {
    kind: 'unreliable-measurement',
    stage: 'benchmark',
    title: "trtexec's performance summary disagrees with its exported timings",
    message: `${detail}. The gate uses the exported per-query samples.`,
    nextSteps: [
      'Re-run to see whether it reproduces; check that nothing else wrote the --exportTimes file.',
      'Report the trtexec version and both outputs if it persists.',
    ],
  };
}

export function unstableIncident(cvs: number[], trials: number): Incident {
  return {
    kind: 'unreliable-measurement',
    stage: 'benchmark',
    title: 'trtexec reports unstable GPU compute time',
    message: `"GPU compute time is unstable" in ${cvs.length} of ${trials} trials (coefficient of variance ${cvs.map((c) => `${c}%`).join(', ')}).`,
    nextSteps: [
      'Lock the GPU clocks (`sudo nvidia-smi -lgc <MHz>,<MHz>`) and enable persistence mode (`sudo nvidia-smi -pm 1`).',
      'Set runner.useSpinWait: true, and keep other jobs off the GPU while benchmarking.',
    ],
  };
}

const EXIT_CRASH = new Set([134, 139]);

/**
 * A run that printed `&&&& PASSED` and its performance summary and then died at exit (exit 139/134 or a
 * signal; seen in the wild as a plugin library crashing in its destructor): its numbers are complete.
 */
export function crashedAfterPass(run: Invocation): boolean {
  const died = run.signal !== null || (run.exitCode !== null && EXIT_CRASH.has(run.exitCode));
  return (
    died &&
    !run.timedOut &&
    !run.spawnError &&
    /&&&& PASSED TensorRT\.trtexec/.test(run.stdout) &&
    /=== Performance summary ===/.test(run.stdout)
  );
}

export function exitCrashIncident(detail: string, excerpt?: string): Incident {
  return {
    kind: 'crash',
    stage: 'benchmark',
    title: 'trtexec crashed at exit after PASSED',
    message: `trtexec printed PASSED and a complete performance summary, then ${detail}. The measurements were complete and are kept.`,
    ...(excerpt ? { logExcerpt: excerpt } : {}),
    nextSteps: [
      'A crash after PASSED usually comes from a plugin library or the CUDA context at process exit; check --staticPlugins/--dynamicPlugins and the driver.',
      'Re-run trtexec by hand and look at the core dump if it persists.',
    ],
  };
}
