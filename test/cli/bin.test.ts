import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Results } from '../../src/results/schema.js';
import { MLP, REPO_ROOT, tempDir, tinyConfigText, writeConfig } from '../helpers/tiny-config.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-bin-'));
});
afterAll(async () => {
  await cleanup?.();
});

describe('bin/trt-gate.js (spawned)', () => {
  it('runs end to end twice; the two runs record different raw latency samples', async () => {
    const config = await writeConfig(dir, tinyConfigText([MLP]));
    const runOnce = async (out: string) => {
      const child = await execa(
        process.execPath,
        [join(REPO_ROOT, 'bin', 'trt-gate.js'), 'run', '-q', '--config', config, '--out', out],
        { cwd: dir, reject: false, env: { NO_COLOR: '1' }, extendEnv: true },
      );
      expect(child.exitCode, child.stderr).toBe(0);
      expect(child.stdout).toContain(`results: ${join(out, 'results.json')}`);
      expect(child.stdout).not.toContain('\u001b[');
      const parsed = Results.safeParse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
      expect(parsed.success).toBe(true);
      return parsed.data!;
    };
    const first = await runOnce(join(dir, 'out1'));
    const second = await runOnce(join(dir, 'out2'));
    expect(first.runId).not.toBe(second.runId);
    const samples = (r: Results) => r.entries[0]!.latency!.trials.map((t) => t.samples);
    expect(samples(first).flat()).toHaveLength(40);
    expect(samples(second).flat()).toHaveLength(40);
    // Real timings: two runs never produce the same 40 floating-point samples.
    expect(samples(first)).not.toEqual(samples(second));
    // Accuracy is deterministic: same inputs, same model, same outputs.
    expect(first.entries[0]!.accuracy).toEqual(second.entries[0]!.accuracy);
  });

  it('exits 2 on a usage error', async () => {
    const child = await execa(process.execPath, [join(REPO_ROOT, 'bin', 'trt-gate.js'), 'run', '--nope'], {
      cwd: dir,
      reject: false,
    });
    expect(child.exitCode).toBe(2);
    expect(child.stderr).toMatch(/unknown option '--nope'/);
  });
});
