/**
 * Case 10, reads (issue 10): through the CLI, a symbolic link in the store is refused without
 * reading or quoting what it points at, and a key file that is a directory is exit 4 naming it —
 * `baseline list` used to follow the link, and to exit 0 with an empty list for the directory.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import { keyPath } from '../../src/store/key.js';
import { namespacePath } from '../../src/store/namespace.js';
import { fakeIO } from '../helpers/fake-io.js';
import { tempDir } from '../helpers/tiny-config.js';
import { keyDirPath, makeKey, makeResults } from '../store/helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let store: string;
let ns: string;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-rel-store-'));
  store = join(dir, 'store');
  ns = join(store, ...namespacePath({ branch: 'main' }).split('/'));
});
afterEach(() => cleanup());

async function list(): Promise<{ code: number; stdout: string; stderr: string }> {
  const f = fakeIO({ cwd: dir });
  const code = await main(['baseline', 'list', '--store', store], f.io);
  return { code, stdout: f.stdout, stderr: f.stderr };
}

const secret = 'SECRET-OUTSIDE-THE-STORE \x1b]0;owned\x07';

describe('case 10: reading the store', () => {
  it('a schema-1 key file that is a directory: exit 4 naming it, not an empty list', async () => {
    const path = join(ns, ...keyPath(makeKey()).split('/'));
    await mkdir(path, { recursive: true });
    const r = await list();
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toMatch(/expected a regular file/);
  });

  it('the CLI’s old layout with a directory as key file is refused the same way', async () => {
    const path = join(store, ...keyPath(makeKey()).split('/'));
    await mkdir(path, { recursive: true });
    const r = await list();
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(path);
  });

  it('a symlinked key file: exit 4, the link named, what it points at never read or quoted', async () => {
    const outside = join(dir, 'outside.json');
    await writeFile(outside, secret);
    const path = join(ns, ...keyPath(makeKey()).split('/'));
    await mkdir(join(path, '..'), { recursive: true });
    await symlink(outside, path);
    const r = await list();
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/symbolic link/);
    expect(r.stderr + r.stdout).not.toContain('SECRET');
  });

  it('a symlinked run file: exit 4 when the history is read', async () => {
    await new FilesystemBaselineStore(store, { namespace: namespacePath({ branch: 'main' }) }).append(
      makeResults(),
      {
        historySize: 5,
      },
    );
    const outside = join(dir, 'outside.gz');
    await writeFile(outside, secret);
    await symlink(outside, join(ns, keyDirPath(makeKey()), '009999999999999-evil-0123456789abcdef.run.gz'));
    const f = fakeIO({ cwd: dir });
    const code = await main(['history', '--store', store], f.io);
    expect(code, f.stderr).toBe(4);
    expect(f.stderr).toMatch(/symbolic link/);
    expect(f.stderr + f.stdout).not.toContain('SECRET');
  });
});
