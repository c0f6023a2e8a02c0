import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { DataError } from '../errors.js';
import type { BaselineKey } from '../results/schema.js';
import { parseStoreFile, type StoreFile } from './file-format.js';
import { describeDifference, sameKey } from './key.js';

/** Reading the filesystem store's tree: key files and the directories that hold them. */

/** A path, or one of its parents, that does not exist (or is a file where a directory was expected). */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A key's file, parsed and validated; `undefined` when it does not exist. */
export async function readKeyFile(path: string): Promise<StoreFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw new DataError(`${path}: cannot read baseline file: ${(error as Error).message}`, path);
  }
  return parseStoreFile(text, path);
}

/** Refuses a file that holds another key than the one its path stands for. */
export function checkKey(file: StoreFile, key: BaselineKey, path: string): void {
  if (!sameKey(file.key, key)) {
    throw new DataError(
      `${path}: holds the baseline of another key (${describeDifference(file.key, key)}); ` +
        'was it moved or edited by hand?',
      path,
    );
  }
}

/** Reads every target's file; throws one DataError listing every unreadable file. */
export async function readKeyFiles(
  targets: ReadonlyArray<{ path: string; key: BaselineKey }>,
): Promise<Array<StoreFile | undefined>> {
  const problems: DataError[] = [];
  const files: Array<StoreFile | undefined> = [];
  for (const target of targets) {
    try {
      const file = await readKeyFile(target.path);
      if (file) checkKey(file, target.key, target.path);
      files.push(file);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      problems.push(error);
      files.push(undefined);
    }
  }
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) {
    throw new DataError(
      `${problems.length} baseline files cannot be appended to; nothing was written:\n` +
        problems.map((p) => p.message).join('\n'),
      problems[0]!.file,
    );
  }
  return files;
}

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw new DataError(`${dir}: cannot list baseline directory: ${(error as Error).message}`, dir);
  }
}

/** Real subdirectories (not symlinks), skipping dot-names, which no slug produces. */
export async function subdirectories(dir: string): Promise<string[]> {
  return (await entries(dir))
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

/** Regular `*.json` files (atomic-write's dot-prefixed temp files and lock directories do not match). */
export async function keyFileNames(dir: string): Promise<string[]> {
  return (await entries(dir))
    .filter((d) => d.isFile() && d.name.endsWith('.json') && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}
