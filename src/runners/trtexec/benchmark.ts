/**
 * The re-run policy: an attempt whose nvidia-smi samples show throttling or dropped clocks is repeated
 * (after runner.health.cooldownSec) up to runner.maxReruns times; the last attempt is the outcome, marked
 * unreliable if it still was.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchmarkOutcome, BenchmarkPlan, ProgressFn } from '../types.js';
import { runAttempt } from './benchmark-attempt.js';
import { gpuClocksPolicy } from './clocks-policy.js';
import { assessHealth } from './health.js';
import type { NvidiaSmi } from './nvidia-smi.js';
import type { EngineRun } from './run-context.js';

/** nvidia-smi when the probe found it working; otherwise why health is not judged. */
export interface GpuMonitor {
  smi?: NvidiaSmi;
  unavailable?: string;
}

export async function benchmarkWithReruns(
  run: EngineRun,
  plan: BenchmarkPlan,
  loadInputs: Array<{ name: string; file: string }>,
  monitor: GpuMonitor,
  progress: ProgressFn,
): Promise<BenchmarkOutcome> {
  const o = run.setup.options;
  const health = o.health;
  const attempts: Array<Record<string, unknown>> = [];
  let outcome: BenchmarkOutcome | undefined;
  for (let attempt = 0; attempt <= o.maxReruns; attempt++) {
    if (attempt > 0) {
      progress(`re-running (attempt ${attempt + 1}/${o.maxReruns + 1}) after an unreliable measurement`);
      if (health.cooldownSec > 0) await sleep(health.cooldownSec * 1000);
    }
    const measured = await runAttempt(run, plan, loadInputs, attempt, monitor.smi, progress);
    const assessment = monitor.smi ? assessHealth(measured.samples, health) : undefined;
    attempts.push({
      attempt: attempt + 1,
      ...(assessment?.unreliable ? { unreliable: assessment.unreliable } : {}),
      ...(assessment ? { gpu: assessment.summary } : {}),
    });
    outcome = {
      trials: measured.trials,
      wallMs: measured.wallMs,
      source: 'trtexec --exportTimes latencyMs (ms per query)',
      incidents: [...measured.incidents, ...(assessment?.incidents ?? [])],
      health: {
        ...(monitor.smi
          ? { ...(assessment?.summary ?? {}), attempts, reruns: attempt }
          : { available: false, reason: monitor.unavailable }),
        clocksPolicy: gpuClocksPolicy(monitor.smi ? measured.samples : undefined, health),
      },
      ...(assessment?.unreliable
        ? {
            unreliable:
              attempt > 0
                ? `${assessment.unreliable} (still after ${attempt} re-run${attempt > 1 ? 's' : ''})`
                : assessment.unreliable,
          }
        : {}),
    };
    if (!assessment?.unreliable) break;
  }
  // maxReruns is at least 0, so there was one attempt.
  return outcome!;
}
