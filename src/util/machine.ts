import os from 'node:os';
import type { Environment } from '../results/schema.js';

/**
 * The machine's CPUs, not the process's: os.cpus() lists every online CPU (libuv reads
 * /proc/cpuinfo and /proc/stat), whereas os.availableParallelism() follows the affinity mask, so a
 * job started under `taskset -c 1` would otherwise describe (and key) another device.
 */
export function machineCpu(): { model: string; count: number } {
  const cpus = os.cpus();
  return { model: cpus[0]?.model.trim() || 'unknown CPU', count: Math.max(1, cpus.length) };
}

/** The host part of an Environment: the machine as it is, whatever this process may use of it. */
export function hostInfo(): Pick<Environment, 'os' | 'host'> {
  const cpu = machineCpu();
  return {
    os: { platform: os.platform(), release: os.release(), arch: os.arch() },
    host: { cpuModel: cpu.model, cpuCores: cpu.count, memoryBytes: os.totalmem() },
  };
}
