import { readFile } from 'node:fs/promises';

/**
 * The clocks policy of a CPU run, recorded in each entry's health so that the history splits a
 * series where it changed (a `performance` governor is faster than `powersave`): the cpufreq
 * scaling governor of CPU 0 where Linux exposes it; VMs and containers often do not.
 */
export const CPU_GOVERNOR_FILE = '/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor';

export async function cpuClocksPolicy(file = CPU_GOVERNOR_FILE): Promise<string> {
  try {
    const governor = (await readFile(file, 'utf8')).trim();
    if (/^[a-z0-9_-]{1,32}$/i.test(governor)) return `cpu governor ${governor}`;
  } catch {
    // not readable: no cpufreq here
  }
  return 'n/a (cpu, governor not readable)';
}
