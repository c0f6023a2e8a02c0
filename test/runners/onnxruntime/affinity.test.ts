import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { Results } from '../../../src/results/schema.js';
import { MLP, REPO_ROOT, tempDir, tinyConfigText, writeConfig } from '../../helpers/tiny-config.js';

/** Pinning changes the whole process, so it runs in a child process (the real bin), not in vitest's. */
const BIN = join(REPO_ROOT, 'bin', 'trt-gate.js');
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-affinity-'));
});
afterAll(async () => {
  await cleanup();
});

describe('runner.cpuAffinity', () => {
  it.runIf(process.platform === 'linux')(
    'pins the run to the listed CPU and keys baselines by it',
    async () => {
      const text = tinyConfigText([MLP]).replace(
        'runner: { type: onnxruntime, intraOpThreads: 1, interOpThreads: 1 }',
        'runner: { type: onnxruntime, intraOpThreads: 1, interOpThreads: 1, cpuAffinity: "0" }',
      );
      await writeConfig(dir, text);
      const run = await execa('node', [BIN, 'run', '-q', '-o', 'out'], { cwd: dir, reject: false });
      expect(run.exitCode, run.stderr).toBe(0);
      const results = Results.parse(JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')));
      expect(results.environment.details.allowedCpus).toBe('0');

      await writeConfig(dir, tinyConfigText([MLP]));
      await execa('node', [BIN, 'run', '-q', '-o', 'unpinned'], { cwd: dir });
      const unpinned = Results.parse(
        JSON.parse(await readFile(join(dir, 'unpinned', 'results.json'), 'utf8')),
      );
      expect(unpinned.environment.details.allowedCpus).toBeUndefined();
      expect(unpinned.entries[0]!.key.optionsHash).not.toBe(results.entries[0]!.key.optionsHash);
    },
  );

  it('refuses a malformed CPU list as a config error naming the field', () => {
    const text = tinyConfigText([MLP]).replace(
      'interOpThreads: 1 }',
      'interOpThreads: 1, cpuAffinity: "one" }',
    );
    expect(() => parseConfig(text, 'trt-gate.yml')).toThrow(/runner\.cpuAffinity: expected a CPU list/);
  });
});
