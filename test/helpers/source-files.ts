import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository root, for tests that read the sources themselves. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/**
 * Every file under `dirs` (relative to the repository root) whose name matches `names`, with its
 * text and its path relative to the root; `dist` and `node_modules` are skipped. For the tests that
 * check a definition is written once (the accuracy metric table, the playbook table).
 */
export function sourceFiles(dirs: readonly string[], names: RegExp): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'dist' || name === 'node_modules') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (names.test(name))
        out.push({ path: relative(REPO_ROOT, path), text: readFileSync(path, 'utf8') });
    }
  };
  for (const dir of dirs) walk(join(REPO_ROOT, dir));
  return out;
}
