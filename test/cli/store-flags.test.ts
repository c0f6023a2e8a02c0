import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { BaselineKey } from '../../src/results/schema.js';
import { benchResults, writeJson } from '../action/helpers/results.js';
import { fakeIO } from '../helpers/fake-io.js';
import { tempDir, writeConfig } from '../helpers/tiny-config.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-store-flags-'));
});
afterEach(() => cleanup());

async function cli(args: string[]) {
  const f = fakeIO({ cwd: dir });
  const code = await main(args, f.io);
  return { code, stdout: f.stdout, stderr: f.stderr };
}

async function saveRuns(n: number, extra: string[]): Promise<void> {
  for (let i = 1; i <= n; i++) {
    const file = await writeJson(
      join(dir, `run-${i}.json`),
      benchResults({ runId: `run-${i}`, createdAt: `2026-01-0${i}T00:00:00Z` }),
    );
    const saved = await cli(['baseline', 'save', '--from', file, '--json', ...extra]);
    expect(saved.stderr).toBe('');
    expect(saved.code).toBe(0);
  }
}

describe('store flags', () => {
  it('--store DIR keeps the config file’s baseline.historySize', async () => {
    await writeConfig(
      dir,
      'version: 1\nmodels: [{ name: m, onnx: m.onnx, inputs: [{ name: x, shape: [1] }] }]\nbaseline: { historySize: 2 }\n',
    );
    await saveRuns(3, ['--store', 'b']);
    const listed = await cli(['baseline', 'list', '--store', 'b']);
    expect(listed.stdout).toMatch(/tinycnn\s+fp16\s+1\s.*\s2\s+2026-01-03/);
  });

  it('--store DIR needs no config file (the schema default history size)', async () => {
    await saveRuns(1, ['--store', 'b']);
    const listed = await cli(['baseline', 'list', '--json', '--store', 'b']);
    expect((JSON.parse(listed.stdout) as BaselineKey[]).map((k) => k.model)).toEqual(['tinycnn']);
  });

  it('--namespace keeps branches apart in one store; an unknown --store kind is a directory', async () => {
    await saveRuns(1, ['--store', 'filesystem', '--store-path', 'b', '--namespace', 'release/2']);
    const other = await cli(['baseline', 'list', '--json', '--store', 'b']);
    expect(JSON.parse(other.stdout)).toEqual([]);
    const same = await cli(['baseline', 'list', '--json', '--store', 'b', '--namespace', 'release/2']);
    expect(JSON.parse(same.stdout)).toHaveLength(1);
  });

  it('refuses git-branch flags on a filesystem store (exit 2)', async () => {
    const listed = await cli(['baseline', 'list', '--store', 'filesystem', '--data-branch', 'x']);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toContain('only applies to a git-branch store');
  });
});
