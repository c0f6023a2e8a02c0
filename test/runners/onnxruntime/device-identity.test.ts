import { cpus } from 'node:os';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/tiny-config.js';

/**
 * The device a run is keyed by comes from the machine, not from the CPUs this process may use: a
 * job started under `taskset -c 1` must find the baselines an unpinned job recorded.
 */
const SCRIPT = `
const { onnxRuntimeFactory } = await import('./src/runners/onnxruntime/index.ts');
const { deviceKey } = await import('./src/pipeline/run.ts');
const { readFileSync } = await import('node:fs');
const runner = await onnxRuntimeFactory.create(onnxRuntimeFactory.optionsSchema.parse({}), {
  configDir: '.', cacheDir: '/tmp', configFile: 'trt-gate.yml',
});
const environment = await runner.probe();
await runner.close();
const allowed = /^Cpus_allowed_list:\\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
console.log(JSON.stringify({ device: deviceKey(environment), allowed }));
`;

async function probeDevice(prefix: string[]): Promise<{ device: string; allowed: string }> {
  const [cmd, ...args] = [
    ...prefix,
    process.execPath,
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    SCRIPT,
  ];
  const { stdout } = await execa(cmd!, args, { cwd: REPO_ROOT });
  return JSON.parse(String(stdout).trim().split('\n').at(-1)!);
}

const taskset = await execa('taskset', ['--version'], { reject: false });
const canPin = process.platform === 'linux' && taskset.exitCode === 0 && cpus().length >= 2;

describe.skipIf(!canPin)('device identity (needs Linux, taskset and at least 2 CPUs)', () => {
  it('a run under `taskset -c 1` keys the same device as an unpinned run', async () => {
    const unpinned = await probeDevice([]);
    const pinned = await probeDevice(['taskset', '-c', '1']);
    expect(pinned.allowed).toBe('1'); // the child really was pinned
    expect(unpinned.allowed).not.toBe('1');
    expect(pinned.device).toBe(unpinned.device);
    expect(pinned.device).toMatch(new RegExp(`×${cpus().length}$`));
  });
});
