import { unzipSync, zipSync } from 'fflate';
import { DataError } from '../errors.js';
import { encodeNpy, type NpyArray, parseNpy } from './npy.js';

/**
 * NumPy's .npz: a zip archive of .npy members, one per array (`numpy.savez` stores them,
 * `savez_compressed` deflates them, large ones use ZIP64). fflate reads all three; a hand-written
 * reader would have to get ZIP64, data descriptors and deflate right. Members are inflated one at
 * a time after checking their declared size, so a hostile archive cannot claim memory first.
 */

/** Largest total uncompressed size read from one archive (a validation set, not a data lake). */
export const MAX_NPZ_BYTES = 2 * 1024 ** 3;

export function parseNpz(bytes: Uint8Array, file: string): Map<string, NpyArray> {
  let total = 0;
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, {
      filter: (f) => {
        if (!f.name.endsWith('.npy')) return false;
        total += f.originalSize;
        if (total > MAX_NPZ_BYTES) {
          throw new Error(`members add up to more than ${MAX_NPZ_BYTES} bytes uncompressed`);
        }
        return true;
      },
    });
  } catch (error) {
    throw new DataError(`${file}: not a readable .npz archive: ${(error as Error).message}`, file);
  }
  const arrays = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(members)) {
    arrays.set(name.slice(0, -'.npy'.length), parseNpy(data, `${file}:${name}`));
  }
  if (arrays.size === 0) throw new DataError(`${file}: the .npz archive holds no .npy arrays`, file);
  return arrays;
}

/** Writes arrays as an .npz (deflated, like numpy.savez_compressed); deterministic bytes. */
export function encodeNpz(arrays: Record<string, NpyArray>): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 9; mtime: Date }]> = {};
  // A fixed date: the archive's bytes must not depend on when it was written.
  const mtime = new Date('2000-01-01T00:00:00Z');
  for (const [name, array] of Object.entries(arrays))
    files[`${name}.npy`] = [encodeNpy(array), { level: 9, mtime }];
  return zipSync(files);
}
