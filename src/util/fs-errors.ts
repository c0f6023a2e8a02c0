import { open } from 'node:fs/promises';
import { DataError, TrtGateError, UsageError } from '../errors.js';

/**
 * File-system failures as one-line errors with an exit code of their own (README: 2 for a path the
 * user pointed at the wrong thing, 4 for data that could not be read or written safely), instead of
 * an internal error with a stack trace.
 */

const WHY: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'is a directory, expected a file',
  EEXIST: 'a file is in the way of a directory',
  ELOOP: 'is a symbolic link; refusing to follow it',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** Codes that mean "this path names the wrong kind of thing": a usage error, not lost data. */
const USAGE = new Set(['ENOTDIR', 'EISDIR', 'EEXIST']);

function describe(error: unknown): { code: string | undefined; why: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = String((error as Error | undefined)?.message ?? error).split('\n')[0]!;
  const known = code ? WHY[code] : undefined;
  return { code, why: known ? `${known} (${code})` : message };
}

export function writeError(path: string, error: unknown): TrtGateError {
  if (error instanceof TrtGateError) return error;
  const { code, why } = describe(error);
  const message = `cannot write ${path}: ${why}`;
  return code && USAGE.has(code) ? new UsageError(message) : new DataError(message, path);
}

export function readError(path: string, what: string, error: unknown): TrtGateError {
  if (error instanceof TrtGateError) return error;
  const { why } = describe(error);
  return new DataError(`${path}: cannot read ${what}: ${why}`, path);
}

/** Thrown by readBounded before reading a file over its limit. */
export class TooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${size} bytes, more than the ${limit} this file may have`);
  }
}

/**
 * Reads a regular file as UTF-8, refusing one larger than `maxBytes` before reading it (a 50 MB
 * string in a config must not cost gigabytes of memory) and one that is not a regular file.
 */
export async function readBounded(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > maxBytes) throw new TooLargeError(info.size, maxBytes);
    // Read one byte past the limit: a file that grew since the stat is still refused.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    if (offset > maxBytes) throw new TooLargeError(offset, maxBytes);
    return buffer.subarray(0, offset).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * A file-system error that escaped the code that should have named it, as a one-line error with
 * its exit code (the CLI's last resort before "internal error"); undefined for anything else.
 */
export function fsErrorToExit(error: unknown): TrtGateError | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.code !== 'string' || !(e.code in WHY)) return undefined;
  const path = e.path ?? '(unknown path)';
  const { why } = describe(error);
  const message = `${path}: ${e.syscall ? `${e.syscall} failed: ` : ''}${why}`;
  return USAGE.has(e.code) ? new UsageError(message) : new DataError(message, path);
}
