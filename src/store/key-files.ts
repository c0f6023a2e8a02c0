import type { BaselineKey } from '../results/schema.js';
import { parseStoreFile } from './file-format.js';
import { checkSameKey } from './key-dir.js';
import { readStoreFile } from './store-files.js';
import type { BaselineRun } from './types.js';

/** Schema-1 key files (one JSON file per key holding every run), read for the migration to schema 2. */

/** Large enough for any schema-1 file trt-gate wrote (30 runs × 10,000 samples ≈ 8 MB). */
const MAX_SCHEMA1_BYTES = 256 * 1024 * 1024;

/**
 * The runs of a schema-1 key file, validated, holding `key` when given; `undefined` when the file
 * does not exist. Links and wrong types are refused like every store read (store-files.ts).
 */
export async function readSchema1File(
  path: string,
  key?: BaselineKey,
): Promise<{ key: BaselineKey; runs: BaselineRun[] } | undefined> {
  const bytes = await readStoreFile(path, MAX_SCHEMA1_BYTES);
  if (!bytes) return undefined;
  const file = parseStoreFile(bytes.toString('utf8'), path);
  if (key) checkSameKey(file.key, key, path);
  return { key: file.key, runs: file.runs };
}
