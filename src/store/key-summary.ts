import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { DataError } from '../errors.js';
import { BaselineKey, Entry, Results, type Trial } from '../results/schema.js';
import { writeFileAtomically } from '../util/atomic-write.js';
import { canonicalKeyJson } from './key.js';
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
 * drops its samples), so a run's record stays true for as long as its file name is listed. The
 * flip side: a covered run file is not reopened, so damage done to it after it was summarised is
 * found when its samples are read or a summary is rebuilt from it, not by a read without samples.
 *
 * Written by every append after its housekeeping (temp + verify + rename, see appendToKeyDir);
 * reading never writes it, so a stale summary is brought up to date by the next append.
 */
export const SUMMARY_FILE = 'summary.json.gz';
/** `summary.json.gz`'s own format version (independent of the store schema: it is a cache). */
const SUMMARY_VERSION = 1;
/** 30 runs' statistics are ~40 KB of JSON; this only bounds what a corrupt or hostile file costs. */
const MAX_SUMMARY_BYTES = 16 * 1024 * 1024;
const MAX_SUMMARY_JSON_BYTES = 128 * 1024 * 1024;
/** A run file's name (see runFileName in key-dir.ts): nothing that could leave the directory. */
const RUN_FILE_NAME = /^[0-9]{15}-[a-z0-9._-]+-[0-9a-f]{16}\.run\.gz$/;

const SummaryDoc = z.object({
  summaryVersion: z.literal(SUMMARY_VERSION),
  storeSchema: z.literal(STORE_SCHEMA_VERSION),
  key: BaselineKey,
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

/**
 * Each latency trial's statistics and wall time, packed as little-endian float64 in this order
 * (NaN: absent; a stored statistic is never NaN), base64: most of a run's numbers, and parsing
 * them as JSON text was most of the cost of loading a summary.
 */
const TRIAL_FIELDS = [
  'count',
  'min',
  'max',
  'mean',
  'median',
  'p90',
  'p95',
  'p99',
  'stddev',
  'cv',
  'wallMs',
] as const;
const TRIAL_BYTES = TRIAL_FIELDS.length * 8;

function packTrials(trials: readonly Trial[]): string {
  const out = Buffer.alloc(trials.length * TRIAL_BYTES);
  trials.forEach((t, i) => {
    const values: Record<string, number | undefined> = { ...t.stats, wallMs: t.wallMs };
    for (const [j, f] of TRIAL_FIELDS.entries())
      out.writeDoubleLE(values[f] ?? Number.NaN, i * TRIAL_BYTES + j * 8);
  });
  return out.toString('base64');
}

function unpackTrials(text: string): Array<Record<string, unknown>> {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0 || bytes.length % TRIAL_BYTES !== 0) {
    throw new Error(`expected ${TRIAL_FIELDS.length} float64 values per trial, found ${bytes.length} bytes`);
  }
  // Copied to an aligned buffer (a decoded Buffer may sit at any offset of a shared pool); little-endian hosts only.
  const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const last = TRIAL_FIELDS.length - 1;
  const trials: Array<Record<string, unknown>> = [];
  for (let at = 0; at < values.length; at += TRIAL_FIELDS.length) {
    const stats: Record<string, number> = {};
    for (let j = 0; j < last; j++) {
      const v = values[at + j]!;
      if (!Number.isNaN(v)) stats[TRIAL_FIELDS[j]!] = v;
    }
    const wallMs = values[at + last]!;
    trials.push({ samples: [], stats, ...(Number.isNaN(wallMs) ? {} : { wallMs }) });
  }
  return trials;
}

/** Whether a summary can cover this run file (a hand-renamed one is read from its file each time). */
export function summarizable(file: string): boolean {
  return RUN_FILE_NAME.test(file);
}

/** One run in a summary: the run without samples and the run file it stands for. */
export interface SummaryRecord {
  file: string;
  run: BaselineRun;
}

/**
 * The bytes of a summary of `records`: a summary never holds raw samples, each entry's key is the
 * summary's (a run file of another key is refused when it is read), trials are packed (above).
 */
export function encodeSummary(key: BaselineKey, records: readonly SummaryRecord[]): Buffer {
  const doc = {
    summaryVersion: SUMMARY_VERSION,
    storeSchema: STORE_SCHEMA_VERSION,
    key,
    runs: records.map(({ file, run }) => {
      const { runId, createdAt, source } = run;
      const { key: _key, latency, ...entry } = run.entry;
      if (!latency) return { file, runId, createdAt, source, entry };
      const { trials, ...rest } = latency;
      return {
        file,
        runId,
        createdAt,
        source,
        entry: { ...entry, latency: rest },
        trials: packTrials(trials),
      };
    }),
  };
  return gzipSync(JSON.stringify(doc), { level: 9 });
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
  // Put back what encodeSummary left out, where the shape allows; the schema check below judges the rest.
  const records = (doc as { runs?: unknown } | null)?.runs;
  if (Array.isArray(records)) {
    records.forEach((record: unknown, i) => {
      const r = record as { entry?: Record<string, unknown>; trials?: unknown } | null;
      if (typeof r?.entry !== 'object' || r.entry === null) return;
      r.entry.key = key;
      const latency = r.entry.latency as Record<string, unknown> | undefined;
      if (typeof r.trials !== 'string' || typeof latency !== 'object' || latency === null) return;
      try {
        latency.trials = unpackTrials(r.trials);
      } catch (error) {
        throw fail(`does not match its format: runs.${i}.trials: ${(error as Error).message}`);
      }
    });
  }
  const parsed = SummaryDoc.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw fail(
      `does not match its format: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : ''}`,
    );
  }
  if (canonicalKeyJson(parsed.data.key) !== canonicalKeyJson(key)) {
    throw fail("is another key's (key: not this directory's key)");
  }
  const runs = new Map<string, BaselineRun>();
  parsed.data.runs.forEach(({ file, runId, createdAt, source, entry }, i) => {
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
