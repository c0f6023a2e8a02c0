/**
 * Case 8 (issue 10): a short write on a nearly full disk never replaces a good file with a
 * truncated one, and says so with exit code 4. Runs on a real 64 KiB tmpfs (root only; skipped with
 * the reason printed otherwise).
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readResults, writeResults } from '../../src/results/io.js';
import { latencyTrials, makeEntry, makeResults } from '../gate/helpers.js';
import { fakeIO } from '../helpers/fake-io.js';
import { mountSmallDisk, type SmallDisk } from './helpers/small-disk.js';

const mounted = await mountSmallDisk('64k');
const skip = 'skip' in mounted ? mounted.skip : undefined;
if (skip) console.warn(skip);
const disk = mounted as SmallDisk;

/** Results whose size grows with `samples` (about 20 bytes each). */
function resultsOf(samples: number, runId: string) {
  const entry = makeEntry({ trials: latencyTrials({ seed: runId, trials: 1, samples }) });
  return makeResults([entry], runId);
}

describe.skipIf(skip !== undefined)('case 8: full disk', () => {
  beforeAll(async () => {
    const first = await writeResults(join(disk.dir, 'out'), resultsOf(200, 'run-1'));
    await main(
      ['baseline', 'save', '--from', first, '--store', join(disk.dir, 'store')],
      fakeIO({ cwd: disk.dir }).io,
    );
    await disk.fill(8192);
  });
  afterAll(async () => {
    await disk.unmount();
  });

  it('results.json: a write that runs out of space fails with exit 4 and keeps the old file', async () => {
    const path = join(disk.dir, 'out', 'results.json');
    const before = await readFile(path, 'utf8');
    const error = await writeResults(join(disk.dir, 'out'), resultsOf(1000, 'run-2')).catch((e) => e);
    expect(error).toMatchObject({ exitCode: 4 });
    expect(String(error.message)).toMatch(/no space left|ENOSPC/);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect((await readResults(path)).runId).toBe('run-1');
    expect((await readdir(join(disk.dir, 'out'))).filter((n) => n.includes('tmp'))).toEqual([]);
  });

  it('baseline save: a write that runs out of space exits 4 and the stored history stays whole', async () => {
    // The candidate file itself lives off the small disk.
    const from = join(tmpdir(), `trt-gate-full-disk-${process.pid}.json`);
    // Large enough that even compressed (about 3 bytes a sample) it does not fit in what is left.
    await writeFile(from, JSON.stringify(resultsOf(20_000, 'run-2')));
    const f = fakeIO({ cwd: disk.dir });
    const code = await main(['baseline', 'save', '--from', from, '--store', join(disk.dir, 'store')], f.io);
    await rm(from);
    expect(code, f.stderr).toBe(4);
    expect(f.stderr).toMatch(/no space left|ENOSPC/);
    expect(f.stderr.trim().split('\n')).toHaveLength(1);
    const list = fakeIO({ cwd: disk.dir });
    expect(await main(['baseline', 'list', '--json', '--store', join(disk.dir, 'store')], list.io)).toBe(0);
    const show = fakeIO({ cwd: disk.dir });
    await main(['baseline', 'list', '--store', join(disk.dir, 'store')], show.io);
    expect(show.stdout).toMatch(/\s1\s/);
  });
});
