import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DataError } from '../errors.js';

/**
 * Reading the filesystem store's tree without ever following a symbolic link (a link could point
 * outside the store, and an error must never quote a foreign file) and without mistaking a thing
 * of the wrong type for a missing one: only ENOENT means "not stored"; a file where a directory is
 * expected, or a directory where a file is expected, is a DataError naming the path (exit 4).
 *
 * The calls are synchronous on purpose: a history is many small files, and a thread-pool round
 * trip per open/stat/read/close made loading 1,600 keys several times slower (bench/store.ts).
 */

/** The one failure that means "nothing stored here". */
export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

export function symlinkError(path: string): DataError {
  return new DataError(
    `${path}: is a symbolic link; the baseline store refuses links (they could point outside it)`,
    path,
  );
}

/** A store file larger than its kind may be: refused unread. */
export class TooLargeError extends DataError {}

export function wrongTypeError(path: string, expected: 'a directory' | 'a regular file'): DataError {
  return new DataError(`${path}: expected ${expected} in the baseline store, found something else`, path);
}

/**
 * Refuses a symbolic link at any level between `base` (trusted: the user chose it) and `path`;
 * stops quietly at the first component that does not exist.
 */
export async function assertNoLinks(base: string, path: string): Promise<void> {
  const parts = relative(base, path).split(sep).filter(Boolean);
  let at = base;
  for (const part of parts) {
    at = join(at, part);
    try {
      if (lstatSync(at).isSymbolicLink()) throw symlinkError(at);
    } catch (error) {
      if (error instanceof DataError) throw error;
      if (isMissing(error)) return;
      throw new DataError(`${at}: cannot inspect: ${(error as Error).message}`, at);
    }
  }
}

/**
 * A directory's entries, dot-names (temp files, `.git`) left out; [] when it does not exist.
 * A link (to it or in it) is refused, as is `dir` being a file.
 */
export async function storeEntries(dir: string): Promise<Dirent[]> {
  try {
    const info = lstatSync(dir);
    if (info.isSymbolicLink()) throw symlinkError(dir);
    if (!info.isDirectory()) throw wrongTypeError(dir, 'a directory');
    const list = readdirSync(dir, { withFileTypes: true });
    const link = list.find((d) => d.isSymbolicLink());
    if (link) throw symlinkError(join(dir, link.name));
    return list.filter((d) => !d.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (error) {
    if (error instanceof DataError) throw error;
    if (isMissing(error)) return [];
    throw new DataError(`${dir}: cannot list baseline directory: ${(error as Error).message}`, dir);
  }
}

/** Subdirectories of `dir` except `skip`; stray files (a README) are not the store's and are left alone. */
export async function storeSubdirectories(
  dir: string,
  skip: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  return (await storeEntries(dir)).filter((d) => d.isDirectory() && !skip.has(d.name)).map((d) => d.name);
}

/**
 * Reads a regular file without following a link; `undefined` when it does not exist. A directory
 * (or device, FIFO…) at `path` and a file over `maxBytes` are refused without reading them.
 */
export async function readStoreFile(path: string, maxBytes: number): Promise<Buffer | undefined> {
  return readStoreFileSync(path, maxBytes);
}

/** {@link readStoreFile}, synchronously (see above: many small files). */
export function readStoreFileSync(path: string, maxBytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if (isMissing(error)) return undefined;
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkError(path);
    throw new DataError(`${path}: cannot read baseline file: ${(error as Error).message}`, path);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw wrongTypeError(path, 'a regular file');
    if (info.size > maxBytes) {
      throw new TooLargeError(
        `${path}: ${info.size} bytes, more than a baseline file may hold (${maxBytes})`,
        path,
      );
    }
    return readFileSync(fd);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${path}: cannot read baseline file: ${(error as Error).message}`, path);
  } finally {
    closeSync(fd);
  }
}
