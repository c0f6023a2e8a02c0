import type { HealthOptions } from './options.js';
import { type GpuSample, REASON_BITS } from './smi-csv.js';

/**
 * The GPU clocks policy of one benchmark, recorded as health.clocksPolicy so that the history
 * splits a series where it changed (locking clocks shifts latency without any code change). The
 * strings are stable run to run — no measured MHz in them — or every run would be a change:
 *  - `locked N MHz (config)`: runner.health.expectedSmClockMHz declares locked clocks;
 *  - `locked (clocks setting)`: while not idle, nvidia-smi reported the clocks held by a clocks
 *    setting (NVML clocks-event reason 0x2, application or locked clocks, `nvidia-smi -lgc/-ac`);
 *  - `boost`: samples of a busy GPU with the reason mask and no such setting;
 *  - `unknown (…)`: no nvidia-smi, or no busy sample with a reason mask (drivers before R535 may
 *    not answer the mask).
 */
export function gpuClocksPolicy(samples: readonly GpuSample[] | undefined, options: HealthOptions): string {
  if (options.expectedSmClockMHz !== undefined) return `locked ${options.expectedSmClockMHz} MHz (config)`;
  if (!samples) return 'unknown (no nvidia-smi)';
  const busy = samples.filter(
    // Any phase: a short benchmark may end before the first sample taken during it.
    (s) => s.reasonsMask !== undefined && (s.reasonsMask & REASON_BITS.gpuIdle) === 0,
  );
  if (busy.length === 0) return 'unknown (no clocks-event reasons)';
  return busy.some((s) => (s.reasonsMask! & REASON_BITS.clocksSetting) !== 0)
    ? 'locked (clocks setting)'
    : 'boost';
}
