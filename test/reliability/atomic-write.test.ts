/**
 * Case 8 and its extras (issue 10): writes are whole or absent — a writer killed mid-write leaves the
 * old file or the new one, never a mix; its temp file is cleaned up later, safely; symlinks are not
 * written through.
 */
import { readdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleTemps, STALE_TEMP_MS, writeFileAtomically } from '../../src/util/atomic-write.js';
import { REPO_ROOT, tempDir } from '../helpers/tiny-config.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-rel-write-'));
});
afterEach(async () => {
  await cleanup();
});

/** A child that rewrites `path` atomically forever, 4 MB each time, printing a line per write. */
const WRITER = `
import { writeFileAtomically } from ${JSON.stringify(join(REPO_ROOT, 'src/util/atomic-write.ts'))};
const path = process.argv[1];
for (let i = 0; ; i++) {
  const text = JSON.stringify({ i, pad: String(i % 10).repeat(4_000_000) });
  await writeFileAtomically(path, text);
  process.stdout.write('wrote ' + i + '\\n');
}
`;

describe('kill mid-write', () => {
  it('a writer killed with SIGKILL leaves a whole file; its temp is removed once stale', async () => {
    const path = join(dir, 'baseline.json');
    const child = execa('node', ['--import', 'tsx', '--input-type=module', '-e', WRITER, path], {
      cwd: REPO_ROOT,
      reject: false,
      buffer: false,
    });
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if ((seen.match(/wrote/g) ?? []).length >= 3) resolve();
      });
    });
    child.kill('SIGKILL');
    await child;
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { i: number; pad: string };
    expect(parsed.pad).toBe(String(parsed.i % 10).repeat(4_000_000));

    // Whatever temp the killed writer left (it may have died between writes) is litter once stale.
    const temps = (await readdir(dir)).filter((n) => n.includes('.trt-gate-tmp.'));
    const old = new Date(Date.now() - STALE_TEMP_MS - 1000);
    for (const t of temps) await utimes(join(dir, t), old, old);
    await writeFileAtomically(path, '{"i":-1}');
    expect((await readdir(dir)).filter((n) => n.includes('.trt-gate-tmp.'))).toEqual([]);
    expect(await readFile(path, 'utf8')).toBe('{"i":-1}');
  }, 60_000);

  it('never removes a temp file of a writer that is still running, or a fresh one', async () => {
    const path = join(dir, 'k.json');
    const live = join(dir, `.k.json.trt-gate-tmp.${process.pid}.aaaa`);
    const fresh = join(dir, '.k.json.trt-gate-tmp.999999999.bbbb');
    const deadOld = join(dir, '.k.json.trt-gate-tmp.999999999.cccc');
    const foreign = join(dir, 'k.json.123456'); // not ours: never touched
    for (const f of [live, fresh, deadOld, foreign]) await writeFile(f, 'x');
    const old = new Date(Date.now() - STALE_TEMP_MS - 1000);
    for (const f of [live, deadOld, foreign]) await utimes(f, old, old);
    expect(await removeStaleTemps(path)).toEqual([deadOld]);
    expect((await readdir(dir)).sort()).toEqual(
      [
        '.k.json.trt-gate-tmp.999999999.bbbb',
        `.k.json.trt-gate-tmp.${process.pid}.aaaa`,
        'k.json.123456',
      ].sort(),
    );
  });
});

describe('symlinks', () => {
  it('refuses to write through a symlink (exit 4) and leaves its target alone', async () => {
    const outside = join(dir, 'outside.txt');
    await writeFile(outside, 'secret');
    const link = join(dir, 'key.json');
    await symlink(outside, link);
    await expect(writeFileAtomically(link, '{}')).rejects.toMatchObject({ exitCode: 4 });
    expect(await readFile(outside, 'utf8')).toBe('secret');
  });
});
