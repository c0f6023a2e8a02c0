import { randomBytes } from 'node:crypto';
import { type FileHandle, lstat, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeError } from './fs-errors.js';

/**
 * Atomic, verified file writes: temp file in the target's directory, every byte written (a short
 * write on a nearly full disk is retried, then fails), fsync, read back and compared (and checked
 * by the caller's `verify`), and only then renamed over the target. A failure leaves the old file
 * as it was and no temp file behind.
 *
 * Replaces write-file-atomic 7, which issues one `fs.write` and ignores its count: on a full disk it
 * renamed a truncated baseline over a good one and reported success.
 */

export interface AtomicWriteOptions {
  /** Checks the text as read back from the temp file (e.g. parse it); throws to refuse the write. */
  verify?: (written: Buffer) => void;
}

/** Temp files are `.<name>.trt-gate-tmp.<pid>.<random>`: dot-prefixed, so no `*.json` glob sees them. */
const TMP_MARK = '.trt-gate-tmp.';
/** A temp file this old whose writer is not running is litter from a killed writer. */
export const STALE_TEMP_MS = 60_000;

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}${TMP_MARK}${process.pid}.${randomBytes(6).toString('hex')}`);
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, offset);
    if (bytesWritten <= 0) {
      throw Object.assign(new Error(`short write: ${offset} of ${data.length} bytes`), { code: 'ENOSPC' });
    }
    offset += bytesWritten;
  }
}

async function readAll(handle: FileHandle, size: number): Promise<Buffer> {
  const out = Buffer.alloc(size);
  let offset = 0;
  while (offset < size) {
    const { bytesRead } = await handle.read(out, offset, size - offset, offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return out.subarray(0, offset);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files of `path` left by killed writers: only our own naming, only regular files, only
 * when older than STALE_TEMP_MS and their writer's pid is not running here. Errors are ignored: a
 * cleanup never fails a write.
 */
export async function removeStaleTemps(path: string, now = Date.now()): Promise<string[]> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}${TMP_MARK}`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    const full = join(dir, name);
    try {
      const info = await lstat(full);
      if (!info.isFile() || now - info.mtimeMs < STALE_TEMP_MS) continue;
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
      await unlink(full);
      removed.push(full);
    } catch {
      // raced with another cleaner or the writer itself: nothing to do
    }
  }
  return removed;
}

/** Refuses to write through a symlink: rename would replace the link, a plain write would follow it. */
async function refuseSymlink(path: string): Promise<void> {
  try {
    if ((await lstat(path)).isSymbolicLink()) {
      throw Object.assign(new Error('is a symbolic link; refusing to write through it'), { code: 'ELOOP' });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

export async function writeFileAtomically(
  path: string,
  data: string | Buffer,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let tmp: string | undefined;
  try {
    await mkdir(dirname(path), { recursive: true });
    await refuseSymlink(path);
    await removeStaleTemps(path);
    tmp = tempName(path);
    const handle = await open(tmp, 'wx+', 0o666);
    try {
      await writeAll(handle, bytes);
      await handle.sync();
      const { size } = await handle.stat();
      if (size !== bytes.length) throw new Error(`wrote ${size} of ${bytes.length} bytes`);
      const back = await readAll(handle, size);
      if (!back.equals(bytes)) throw new Error('the file read back differs from what was written');
      options.verify?.(back);
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    tmp = undefined;
  } catch (error) {
    throw writeError(path, error);
  } finally {
    if (tmp) await unlink(tmp).catch(() => {});
  }
}

export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  await writeFileAtomically(path, text, { verify: (back) => JSON.parse(back.toString('utf8')) });
}
