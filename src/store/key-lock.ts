import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { DataError } from '../errors.js';

/** The per-key write lock of the filesystem store: a `<file>.lock` directory beside the key file. */

export interface KeyLockOptions {
  /** Attempts to take a busy lock, backing off from 20 ms to 1 s. */
  retries: number;
  /** A lock not refreshed for this long (its holder crashed) is taken over. */
  staleMs: number;
}

/** Takes the lock of `path` (creating its directory); resolves to the function that releases it. */
export async function lockKeyFile(
  path: string,
  options: KeyLockOptions,
  onCompromised: (error: Error) => void,
): Promise<() => Promise<void>> {
  try {
    await mkdir(dirname(path), { recursive: true });
    return await lockfile.lock(path, {
      realpath: false, // the key file may not exist yet
      stale: options.staleMs,
      retries: {
        retries: options.retries,
        factor: 1.5,
        minTimeout: 20,
        maxTimeout: 1000,
        randomize: true,
      },
      onCompromised,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(
      code === 'ELOCKED'
        ? `${path}: still locked by another writer after ${options.retries} retries; if no trt-gate ` +
            `is running, remove ${path}.lock`
        : `${path}: cannot lock: ${(error as Error).message}`,
      path,
    );
  }
}
