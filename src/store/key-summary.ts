import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { DataError } from '../errors.js';
import { type BaselineKey, Entry, Results } from '../results/schema.js';
import { writeFileAtomically } from '../util/atomic-write.js';
import { canonicalKeyJson } from './key.js';
import { storedRun } from './run-file.js';
import { readStoreFile, TooLargeError } from './store-files.js';
import { type BaselineRun, STORE_SCHEMA_VERSION } from './types.js';

/**
 * A key directory's summary, `summary.json.gz`: every run's entry without raw samples (what the
 * history, the run-noise estimate and `baseline list` read), each under the name of the run file
 * it was made from. One file to open instead of one per run: loading 1,600 keys × 30 runs reads
 * 1,600 summaries, not 48,000 run files.
 *
 * It is a CACHE, never the source of truth. The run files are: a summary is only believed for the
 * run files the directory listing shows, a listed run file it does not cover is read itself, a run
 * it names that is no longer listed is dropped, and a summary that cannot be read (missing,
 * corrupt, another key's, another schema) is ignored in favour of the run files. So a summary
 * lost to a concurrent writer, left stale by an older trt-gate, or resolved to one side of a git
 * merge costs time, never runs. A run's statistics never change once written (compaction only
 * drops its samples), so a run's record stays true for as long as its file name is listed.
 *
 * Written by every append after its housekeeping (temp + verify + rename, see appendToKeyDir);
 * reading never writes it, so a stale summary is brought up to date by the next append.
 */
export const SUMMARY_FILE = 'summary.json.gz';
/** `summary.json.gz`'s own format version (independent of the store schema: it is a cache). */
const SUMMARY_VERSION = 1;
/** 30 runs' statistics are ~70 KB of JSON; this only bounds what a corrupt or hostile file costs. */
const MAX_SUMMARY_BYTES = 16 * 1024 * 1024;
const MAX_SUMMARY_JSON_BYTES = 128 * 1024 * 1024;
/** A run file's name (see runFileName in key-dir.ts): nothing that could leave the directory. */
const RUN_FILE_NAME = /^[0-9]{15}-[a-z0-9._-]+-[0-9a-f]{16}\.run\.gz$/;

const SummaryDoc = z.object({
  summaryVersion: z.literal(SUMMARY_VERSION),
  storeSchema: z.literal(STORE_SCHEMA_VERSION),
  key: z.unknown(),
  runs: z.array(
    z.object({
      file: z.string().regex(RUN_FILE_NAME, 'expected a run file name'),
      runId: z.string().min(1),
      createdAt: z.string(),
      source: Results.shape.source,
      entry: Entry,
    }),
  ),
});

/** One run in a summary: the run without samples and the run file it stands for. */
export interface SummaryRecord {
  file: string;
  run: BaselineRun;
}

/** The bytes of a summary of `records` (samples dropped: a summary never holds raw samples). */
export function encodeSummary(key: BaselineKey, records: readonly SummaryRecord[]): Buffer {
  const doc = {
    summaryVersion: SUMMARY_VERSION,
    storeSchema: STORE_SCHEMA_VERSION,
    key,
    runs: records.map(({ file, run }) => {
      const { runId, createdAt, source, entry } = storedRun(run, false);
      return { file, runId, createdAt, source, entry };
    }),
  };
  return gzipSync(JSON.stringify(doc), { level: 6 });
}

/**
 * The runs a summary holds, by run file name, validated (envelope and every entry) and checked to
 * be `key`'s. Every failure is a DataError naming the file and the field, never quoting the file.
 */
export function decodeSummary(bytes: Buffer, path: string, key: BaselineKey): Map<string, BaselineRun> {
  const fail = (why: string) => new DataError(`${path}: key summary ${why}`, path);
  let doc: unknown;
  try {
    doc = JSON.parse(gunzipSync(bytes, { maxOutputLength: MAX_SUMMARY_JSON_BYTES }).toString('utf8'));
  } catch {
    throw fail('is not gzip-compressed JSON (truncated or corrupt?)');
  }
  const parsed = SummaryDoc.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw fail(
      `does not match its format: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : ''}`,
    );
  }
  const expected = canonicalKeyJson(key);
  const ofKey = (k: unknown) => {
    try {
      return canonicalKeyJson(k as BaselineKey) === expected;
    } catch {
      return false;
    }
  };
  if (!ofKey(parsed.data.key)) throw fail("is another key's (key: not this directory's key)");
  const runs = new Map<string, BaselineRun>();
  parsed.data.runs.forEach(({ file, runId, createdAt, source, entry }, i) => {
    if (canonicalKeyJson(entry.key) !== expected) throw fail(`runs.${i}.entry.key: not this directory's key`);
    if (runs.has(file)) throw fail(`runs.${i}.file: ${file} is listed twice`);
    runs.set(file, { runId, createdAt, source, entry });
  });
  return runs;
}

/**
 * The summary of the key in `dir`, or `undefined` when there is none or it cannot be used (see
 * above: the run files are read instead). A summary that is a link or not a regular file is not
 * ignored: the store refuses those everywhere (store-files.ts).
 */
export async function readSummary(
  dir: string,
  key: BaselineKey,
): Promise<Map<string, BaselineRun> | undefined> {
  const path = join(dir, SUMMARY_FILE);
  let bytes: Buffer | undefined;
  try {
    bytes = await readStoreFile(path, MAX_SUMMARY_BYTES);
  } catch (error) {
    // Too large: unusable as a cache, harmless. A link or a directory: refused like every store entry.
    if (error instanceof TooLargeError) return undefined;
    throw error;
  }
  if (!bytes) return undefined;
  try {
    return decodeSummary(bytes, path, key);
  } catch (error) {
    if (error instanceof DataError) return undefined;
    throw error;
  }
}

/** Writes the summary of `records` atomically, verified by decoding what was written. */
export async function writeSummary(
  dir: string,
  key: BaselineKey,
  records: readonly SummaryRecord[],
): Promise<void> {
  const path = join(dir, SUMMARY_FILE);
  await writeFileAtomically(path, encodeSummary(key, records), {
    verify: (written) => {
      if (decodeSummary(written, path, key).size !== records.length) {
        throw new DataError(`${path}: key summary read back with another number of runs`, path);
      }
    },
  });
}
