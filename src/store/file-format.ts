import { z } from 'zod';
import { DataError } from '../errors.js';
import { BaselineKey, Entry, Results, StatsSummary } from '../results/schema.js';
import { canonicalKeyJson } from './key.js';
import { STORE_SCHEMA_VERSION } from './types.js';

/** Schema 1: one JSON file per key holding every run. Read (and migrated on append) since schema 2. */
export const KEY_FILE_SCHEMA = 1;

/**
 * One key's file in a schema-1 store:
 * `{ "schemaVersion": 1, "key": BaselineKey, "runs": BaselineRun[] }`, oldest run first.
 * Older versions (0) are migrated in memory on read (MIGRATIONS). Schema 2 (key-dir.ts) replaced
 * the file by a directory of one file per run; a schema-1 file is migrated there by the next append.
 */
export const BaselineRunSchema = z.object({
  runId: z.string().min(1),
  createdAt: z.string(),
  source: Results.shape.source,
  entry: Entry,
});

export const StoreFile = z
  .object({
    schemaVersion: z.literal(KEY_FILE_SCHEMA),
    key: BaselineKey,
    runs: z.array(BaselineRunSchema),
  })
  .superRefine((file, ctx) => {
    const expected = canonicalKeyJson(file.key);
    file.runs.forEach((run, i) => {
      if (canonicalKeyJson(run.entry.key) !== expected) {
        ctx.addIssue({
          code: 'custom',
          path: ['runs', i, 'entry', 'key'],
          message: "run's key does not match the file's key",
        });
      }
    });
  });
export type StoreFile = z.infer<typeof StoreFile>;

/**
 * Schema 0 (pre-release): latency kept one flat `samples` array and its `stats`, instead of
 * per-trial samples plus a pooled summary; runs had no `source`.
 */
const LatencyV0 = z.object({
  unit: z.literal('ms'),
  samples: z.array(z.number()),
  stats: StatsSummary,
  source: z.string(),
});
const StoreFileV0 = z.object({
  schemaVersion: z.literal(0),
  key: BaselineKey,
  runs: z.array(
    z.object({
      runId: z.string().min(1),
      createdAt: z.string(),
      entry: Entry.extend({ latency: LatencyV0.optional() }),
    }),
  ),
});

interface Migration {
  /** The schema this migration reads; its output is version `from + 1`. */
  schema: z.ZodType;
  migrate(doc: never): unknown;
}

/**
 * `MIGRATIONS[n]` turns a version-n document into version n+1. Reading applies them in a chain up
 * to KEY_FILE_SCHEMA, then validates against StoreFile.
 */
const MIGRATIONS: Record<number, Migration> = {
  0: {
    schema: StoreFileV0,
    migrate: (doc: z.infer<typeof StoreFileV0>) => ({
      schemaVersion: 1,
      key: doc.key,
      runs: doc.runs.map((run) => {
        const { latency, ...entry } = run.entry;
        return {
          runId: run.runId,
          createdAt: run.createdAt,
          source: {},
          entry: {
            ...entry,
            ...(latency && {
              latency: {
                unit: latency.unit,
                // One trial holding every sample. v0 kept no wall time: the samples' sum is a lower bound.
                trials: [{ samples: latency.samples, stats: latency.stats, wallMs: sum(latency.samples) }],
                pooled: latency.stats,
                source: latency.source,
              },
            }),
          },
        };
      }),
    }),
  },
};

/** The oldest schema version this trt-gate can still read. */
export const OLDEST_READABLE_SCHEMA = Math.min(KEY_FILE_SCHEMA, ...Object.keys(MIGRATIONS).map(Number));

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

function describeIssues(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`);
  if (error.issues.length > max) lines.push(`  … and ${error.issues.length - max} more`);
  return lines.join('\n');
}

/**
 * Parses and validates one store file's text, migrating older schema versions in memory.
 * Every failure is a DataError naming `filePath` and what is wrong; nothing is written.
 */
export function parseStoreFile(text: string, filePath: string): StoreFile {
  if (text.trim() === '') {
    throw new DataError(`${filePath}: baseline file is empty (truncated write?)`, filePath);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the file's bytes, which must never reach a terminal.
    throw new DataError(`${filePath}: baseline file is not valid JSON (truncated or corrupt?)`, filePath);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new DataError(`${filePath}: baseline file is not a JSON object`, filePath);
  }
  let version: unknown = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version === 'number' && Number.isInteger(version) && version > STORE_SCHEMA_VERSION) {
    throw new DataError(
      `${filePath}: baseline file was written by a newer trt-gate (schema ${version}); upgrade trt-gate ` +
        `(this version reads schemas ${OLDEST_READABLE_SCHEMA} to ${STORE_SCHEMA_VERSION})`,
      filePath,
    );
  }
  if (version !== KEY_FILE_SCHEMA && (typeof version !== 'number' || !(version in MIGRATIONS))) {
    throw new DataError(
      `${filePath}: baseline file has unknown schemaVersion ${JSON.stringify(version) ?? 'undefined'} ` +
        `(this version reads schemas ${OLDEST_READABLE_SCHEMA} to ${STORE_SCHEMA_VERSION}); ` +
        'it may be from a newer trt-gate (upgrade trt-gate) or not a trt-gate baseline file',
      filePath,
    );
  }
  while (typeof version === 'number' && version < KEY_FILE_SCHEMA) {
    const migration = MIGRATIONS[version];
    if (!migration) throw new DataError(`${filePath}: no migration from store schema ${version}`, filePath);
    const old = migration.schema.safeParse(doc);
    if (!old.success) {
      throw new DataError(
        `${filePath}: baseline file does not match store schema ${version}:\n${describeIssues(old.error)}`,
        filePath,
      );
    }
    doc = migration.migrate(old.data as never);
    version = (doc as { schemaVersion: number }).schemaVersion;
  }
  const parsed = StoreFile.safeParse(doc);
  if (!parsed.success) {
    throw new DataError(
      `${filePath}: baseline file does not match store schema ${KEY_FILE_SCHEMA}:\n${describeIssues(parsed.error)}`,
      filePath,
    );
  }
  return parsed.data;
}
