import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { ConfigError } from '../../errors.js';

/**
 * Pins every thread of this process to `cpus` with util-linux `taskset -a -p`; threads created
 * later (ONNX Runtime's, libuv's) inherit the mask. Returns the allowed CPUs as the kernel reports
 * them. Linux only: elsewhere, or without taskset, it is a config error rather than a silent no-op.
 */
export async function pinProcess(cpus: string, configFile = 'trt-gate.yml'): Promise<string> {
  const fail = (why: string) =>
    new ConfigError([
      { file: configFile, path: 'runner.cpuAffinity', message: `cannot pin to CPUs ${cpus}: ${why}` },
    ]);
  if (process.platform !== 'linux') throw fail(`needs Linux (this is ${process.platform})`);
  const result = await execa('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { reject: false });
  if (result.failed) {
    const missing = (result as { code?: string }).code === 'ENOENT';
    throw fail(
      missing ? 'taskset (util-linux) is not installed' : String(result.stderr || result.message).trim(),
    );
  }
  return allowedCpus();
}

/** `Cpus_allowed_list` of this process, e.g. "0-1". */
export async function allowedCpus(): Promise<string> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  return /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1]?.trim() ?? 'unknown';
}
