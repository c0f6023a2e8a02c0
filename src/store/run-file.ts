import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { DataError } from '../errors.js';
import { type BaselineKey, Entry, Results, StatsSummary } from '../results/schema.js';
import { canonicalKeyJson } from './key.js';
import { type BaselineRun, STORE_SCHEMA_VERSION } from './types.js';

/**
 * One stored run of one key (store schema 2), a gzip-compressed JSON document
 * `{ schemaVersion: 2, runId, createdAt, source, entry }` in which each latency trial keeps its
 * samples as `samplesF32`: little-endian float32, byte planes shuffled (every sample's first byte,
 * then every second byte…, so the slowly varying sign/exponent bytes sit together and compress),
 * base64. float32 keeps 24 significant bits: 0.06 ns at 1 ms, far below any timer's resolution.
 *
 * A run the gate no longer pools (older than the newest few, see storedRun) keeps its per-trial
 * statistics and drops the raw samples (`count: 0`): what history detection, run noise and the
 * run-level comparison read.
 */

/** Bound on a run file's decompressed size (a gzip bomb is refused, not inflated). */
const MAX_RUN_JSON_BYTES = 256 * 1024 * 1024;

const StoredTrial = z.object({
  samplesF32: z.string(),
  count: z.number().int().nonnegative(),
  stats: StatsSummary,
  wallMs: z.number().nonnegative().optional(),
});
type StoredTrial = z.infer<typeof StoredTrial>;

/** The envelope and the stored samples; the rest of the entry is validated once, by Entry. */
const StoredRun = z.object({
  schemaVersion: z.literal(STORE_SCHEMA_VERSION),
  runId: z.string().min(1),
  createdAt: z.string(),
  source: Results.shape.source,
  entry: z.looseObject({
    latency: z
      .looseObject({
        trials: z.array(z.looseObject(StoredTrial.pick({ samplesF32: true, count: true }).shape)).min(1),
      })
      .optional(),
  }),
});

/**
 * A run as every store keeps it: samples rounded to float32, and dropped entirely when
 * `keepSamples` is false (per-trial statistics stay). The in-memory store applies the same, so
 * both stores hand the gate the same history.
 */
export function storedRun(run: BaselineRun, keepSamples: boolean): BaselineRun {
  const latency = run.entry.latency;
  if (!latency) return run;
  const trials = latency.trials.map((t) => ({
    ...t,
    samples: keepSamples ? Array.from(new Float32Array(t.samples)) : [],
  }));
  return { ...run, entry: { ...run.entry, latency: { ...latency, trials } } };
}

/** Whether a run still holds raw samples. */
export function hasSamples(run: BaselineRun): boolean {
  return run.entry.latency?.trials.some((t) => t.samples.length > 0) ?? false;
}

/** Samples as shuffled float32 bytes (see above), base64. */
export function packSamples(samples: readonly number[]): string {
  const bytes = new Uint8Array(new Float32Array(samples).buffer);
  const n = samples.length;
  const out = Buffer.alloc(bytes.length);
  for (let i = 0; i < n; i++) for (let b = 0; b < 4; b++) out[b * n + i] = bytes[i * 4 + b]!;
  return out.toString('base64');
}

export function unpackSamples(text: string, count: number): number[] {
  const shuffled = Buffer.from(text, 'base64');
  if (shuffled.length !== count * 4) {
    throw new Error(`expected ${count} float32 samples, found ${shuffled.length} bytes`);
  }
  const bytes = new Uint8Array(count * 4);
  for (let b = 0; b < 4; b++) {
    const plane = b * count;
    for (let i = 0; i < count; i++) bytes[i * 4 + b] = shuffled[plane + i]!;
  }
  const floats = new Float32Array(bytes.buffer);
  const values = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const v = floats[i]!;
    if (!Number.isFinite(v)) throw new Error(`sample ${i} is not a finite number`);
    values[i] = v;
  }
  return values;
}

/** The bytes of a run file; `keepSamples` false drops the raw samples (see storedRun). */
export function encodeRunFile(run: BaselineRun, keepSamples: boolean): Buffer {
  const { latency, ...entry } = run.entry;
  const doc = {
    schemaVersion: STORE_SCHEMA_VERSION,
    runId: run.runId,
    createdAt: run.createdAt,
    source: run.source,
    entry: {
      ...entry,
      ...(latency && {
        latency: {
          ...latency,
          trials: latency.trials.map(
            (t): StoredTrial => ({
              samplesF32: keepSamples ? packSamples(t.samples) : '',
              count: keepSamples ? t.samples.length : 0,
              stats: t.stats,
              ...(t.wallMs !== undefined && { wallMs: t.wallMs }),
            }),
          ),
        },
      }),
    },
  };
  return gzipSync(JSON.stringify(doc), { level: 9 });
}

/**
 * Parses and validates a run file of `key`. Every failure is a DataError naming the file and what
 * is wrong, never quoting the file's bytes. Samples are decoded after the entry is validated (a
 * schema check of 10,000 numbers per trial would dominate loading a history).
 */
export function decodeRunFile(bytes: Buffer, path: string, key: BaselineKey): BaselineRun {
  const fail = (why: string) => new DataError(`${path}: baseline run file ${why}`, path);
  let doc: unknown;
  try {
    doc = JSON.parse(gunzipSync(bytes, { maxOutputLength: MAX_RUN_JSON_BYTES }).toString('utf8'));
  } catch {
    throw fail('is not gzip-compressed JSON (truncated or corrupt?)');
  }
  const version = (doc as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > STORE_SCHEMA_VERSION) {
    throw fail(`was written by a newer trt-gate (store schema ${version}); upgrade trt-gate`);
  }
  const stored = StoredRun.safeParse(doc);
  if (!stored.success)
    throw fail(`does not match store schema ${STORE_SCHEMA_VERSION}: ${issueText(stored.error)}`);
  const raw = stored.data.entry as Record<string, unknown> & { latency?: { trials: StoredTrial[] } };
  const storedTrials = raw.latency?.trials ?? [];
  const entryDoc = raw.latency
    ? {
        ...raw,
        latency: {
          ...raw.latency,
          trials: storedTrials.map(({ samplesF32: _s, count: _c, ...t }) => ({ ...t, samples: [] })),
        },
      }
    : raw;
  const entry = Entry.safeParse(entryDoc);
  if (!entry.success)
    throw fail(`does not match store schema ${STORE_SCHEMA_VERSION}: entry.${issueText(entry.error)}`);
  if (canonicalKeyJson(entry.data.key) !== canonicalKeyJson(key)) {
    throw fail("holds another key's run; was it moved or edited by hand?");
  }
  entry.data.latency?.trials.forEach((trial, i) => {
    const t = storedTrials[i]!;
    try {
      trial.samples = unpackSamples(t.samplesF32, t.count);
    } catch (error) {
      throw fail(`has unreadable samples in trial ${i}: ${(error as Error).message}`);
    }
  });
  const { runId, createdAt, source } = stored.data;
  return { runId, createdAt, source, entry: entry.data };
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}
