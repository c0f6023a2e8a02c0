/**
 * Case 12 (issue 10): errors that used to exit 70 with a stack trace get an exit code of their own
 * (2 usage/config, 4 data) and a one-line message; what is read is bounded.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { writeResults } from '../../src/results/io.js';
import { latencyTrials, makeEntry, makeResults } from '../gate/helpers.js';
import { fakeIO } from '../helpers/fake-io.js';
import { MLP, tempDir, tinyConfigText, writeConfig } from '../helpers/tiny-config.js';
import { mountSmallDisk, type SmallDisk } from './helpers/small-disk.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-rel-exit-'));
});
afterEach(async () => {
  await cleanup();
});

async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  const f = fakeIO({ cwd: dir });
  const code = await main(args, f.io);
  return { code, stderr: f.stderr };
}

/** One line, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

const results = () => makeResults([makeEntry({ trials: latencyTrials({ seed: 's', samples: 50 }) })]);

describe('case 12: output paths', () => {
  it('-o pointing at a file: exit 2', async () => {
    const a = await writeResults(join(dir, 'a'), results());
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const r = await cli(['compare', '--baseline', a, '--candidate', a, '-o', file]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /not-a-dir.*(ENOTDIR|EEXIST)/);
  });

  it('report -o DIR on a directory: exit 2', async () => {
    const a = await writeResults(join(dir, 'a'), results());
    const out = join(dir, 'out-dir');
    await mkdir(out);
    const r = await cli(['report', '--from', a, '-o', out]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /out-dir.*EISDIR/);
  });

  it('a full output directory: exit 4 (real 64 KiB tmpfs; skipped where mounting is not permitted)', async (ctx) => {
    const mounted = await mountSmallDisk('64k');
    if ('skip' in mounted) {
      console.warn(mounted.skip);
      ctx.skip();
      return;
    }
    const disk: SmallDisk = mounted;
    try {
      const a = await writeResults(
        join(dir, 'a'),
        makeResults([makeEntry({ trials: latencyTrials({ seed: 's', samples: 2000 }) })]),
      );
      await disk.fill(0);
      const r = await cli(['report', '--from', a, '-f', 'json', '-o', join(disk.dir, 'report.json')]);
      expect(r.code).toBe(4);
      expectOneLine(r.stderr, /no space left/);
    } finally {
      await disk.unmount();
    }
  });
});

describe('case 12: hostile configs', () => {
  it('a billion-laughs YAML: exit 2, no expansion', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) {
      lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    }
    const config = await writeConfig(dir, `${lines.join('\n')}\nmodels: []\n`);
    const r = await cli(['run', '-c', config, '-o', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /alias/i);
  });

  it('shape [100000000, 64]: exit 2 naming the field, nothing allocated', async () => {
    const config = await writeConfig(
      dir,
      tinyConfigText([{ ...MLP, input: { name: 'features', shape: [100000000, 64] } }]),
    );
    const r = await cli(['run', '-c', config, '-o', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /models\[0\]\.inputs\[0\]\.shape: \[100000000, 64\] is 6\.40e\+9 elements/);
  });

  it('a 50 MB string in a config is refused before it is read: exit 2', async () => {
    const config = await writeConfig(
      dir,
      `version: 1\nnote: "${'x'.repeat(50 * 1024 * 1024)}"\nmodels: []\n`,
    );
    const before = process.memoryUsage().rss;
    const r = await cli(['run', '-c', config, '-o', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /cannot read config: .*more than the 1048576/);
    // Not read: far less than the file's own size was allocated to refuse it.
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });
});
