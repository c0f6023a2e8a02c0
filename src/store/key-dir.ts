import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../errors.js';
import { BaselineKey } from '../results/schema.js';
import { writeFileAtomically } from '../util/atomic-write.js';
import { runSortKey } from './append-plan.js';
import { describeDifference, sameKey } from './key.js';
import { readSummary, type SummaryRecord, summarizable, writeSummary } from './key-summary.js';
import { decodeRunFile, encodeRunFile, hasSamples, storedRun } from './run-file.js';
import { isMissing, readStoreFile, readStoreFileSync, storeEntries, wrongTypeError } from './store-files.js';
import { type BaselineRun, STORE_SCHEMA_VERSION } from './types.js';

/**
 * One key's directory in store schema 2, append-only:
 *
 *     <precision>-b<batch>-<keyId>/key.json                                     the key, written once
 *     <precision>-b<batch>-<keyId>/<createdAt ms>-<runId slug>-<hash>.run.gz    one file per run
 *
 * Appending writes new files (temp + verify + rename); nothing is read, merged and written back,
 * so no lock is needed and a writer that stalls (SIGSTOP, a VM pause) cannot lose another's run:
 * the worst it can do on waking is write its own run. Run file names sort by time, so the history
 * is ordered without opening a file. Housekeeping after each append, idempotent and safe to race:
 * the run that left the newest `sampleRuns` is rewritten without raw samples (same name, same
 * content otherwise), and runs beyond `historySize` are deleted.
 */
export const KEY_FILE = 'key.json';
const RUN_SUFFIX = '.run.gz';
const MAX_KEY_FILE_BYTES = 1024 * 1024;
/** 10,000 samples × a few trials compress to well under 1 MB; this only bounds what is read. */
const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;

/** The file name of a run: sorts by time; the hash of the run id makes it unique and idempotent. */
export function runFileName(run: Pick<BaselineRun, 'runId' | 'createdAt'>): string {
  return `${runSortKey(run)}${RUN_SUFFIX}`;
}

function hashOfName(name: string): string {
  return name.slice(-RUN_SUFFIX.length - 16, -RUN_SUFFIX.length);
}

/**
 * The run files of a key directory, oldest first, and whether key.json is there. key.json or a
 * run file that is not a regular file is refused; other names (a stray note, the summary, which
 * is checked when read) are not the run files and are left alone.
 */
async function listKeyDir(dir: string): Promise<{ names: string[]; keyFile: boolean }> {
  const names: string[] = [];
  let keyFile = false;
  for (const d of await storeEntries(dir)) {
    if (d.name !== KEY_FILE && !d.name.endsWith(RUN_SUFFIX)) continue;
    if (!d.isFile()) throw wrongTypeError(join(dir, d.name), 'a regular file');
    if (d.name === KEY_FILE) keyFile = true;
    else names.push(d.name);
  }
  return { names: names.sort(), keyFile };
}

/** The run files of a key directory, oldest first (see listKeyDir). */
export async function runFileNames(dir: string): Promise<string[]> {
  return (await listKeyDir(dir)).names;
}

/** The key a key directory holds (its key.json); `undefined` when there is none. */
export async function readKeyOf(dir: string): Promise<BaselineKey | undefined> {
  const path = join(dir, KEY_FILE);
  const bytes = await readStoreFile(path, MAX_KEY_FILE_BYTES);
  if (!bytes) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new DataError(`${path}: not valid JSON (truncated or corrupt?)`, path);
  }
  const version = (doc as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > STORE_SCHEMA_VERSION) {
    throw new DataError(
      `${path}: written by a newer trt-gate (store schema ${version}); upgrade trt-gate`,
      path,
    );
  }
  if (version !== STORE_SCHEMA_VERSION) {
    throw new DataError(
      `${path}: not a trt-gate key file (expected schemaVersion ${STORE_SCHEMA_VERSION})`,
      path,
    );
  }
  const parsed = BaselineKey.safeParse((doc as { key?: unknown }).key);
  if (!parsed.success) {
    throw new DataError(`${path}: not a valid baseline key: ${parsed.error.issues[0]?.message}`, path);
  }
  return parsed.data;
}

/** Refuses a stored key that is not the one its path stands for. */
export function checkSameKey(stored: BaselineKey, key: BaselineKey, path: string): void {
  if (!sameKey(stored, key)) {
    throw new DataError(
      `${path}: holds the baseline of another key (${describeDifference(stored, key)}); was it moved or edited by hand?`,
      path,
    );
  }
}

/**
 * Every stored run of `key` in `dir`, oldest first; `undefined` when the directory holds none.
 * Only the newest `sampleRuns` runs are read with their raw samples (their run files are opened);
 * every other run comes without samples, from the key's summary where it covers the run file
 * (key-summary.ts: a cache checked against this listing), else from the run file itself.
 */
export async function readKeyDir(
  dir: string,
  key: BaselineKey,
  sampleRuns: number,
): Promise<BaselineRun[] | undefined> {
  const { names, keyFile } = await listKeyDir(dir);
  const stored = keyFile ? await readKeyOf(dir) : undefined;
  if (!stored) {
    if (names.length > 0)
      throw new DataError(`${join(dir, KEY_FILE)}: missing beside ${names.length} run file(s)`, dir);
    return undefined;
  }
  checkSameKey(stored, key, join(dir, KEY_FILE));
  const summary = names.length > 0 ? await readSummary(dir, key) : undefined;
  const firstWithSamples = names.length - sampleRuns;
  const runs = names.map((name, i) => {
    const withSamples = i >= firstWithSamples;
    const cached = withSamples ? undefined : summary?.get(name);
    if (cached) return cached;
    const run = readRunFile(join(dir, name), key);
    return run && !withSamples ? storedRun(run, false) : run;
  });
  return runs.filter((r): r is BaselineRun => r !== undefined);
}

/** A run file, validated; `undefined` when it is gone (pruned by a concurrent append since it was listed). */
function readRunFile(path: string, key: BaselineKey): BaselineRun | undefined {
  const bytes = readStoreFileSync(path, MAX_RUN_FILE_BYTES);
  return bytes && decodeRunFile(bytes, path, key);
}

export interface KeyDirAppend {
  key: BaselineKey;
  historySize: number;
  /** The newest this many runs keep their raw samples (what the gate pools); older ones only statistics. */
  sampleRuns: number;
}

export type RunOutcome = { runs: number } | { skip: string };

/**
 * Appends `runs` (one new file each), oldest-first order not required. Per run: idempotent by run
 * id; a run older than every run a full history keeps is skipped. Returns one outcome per run.
 */
export async function appendToKeyDir(
  dir: string,
  runs: BaselineRun[],
  a: KeyDirAppend,
): Promise<RunOutcome[]> {
  const stored = await readKeyOf(dir);
  if (stored) checkSameKey(stored, a.key, join(dir, KEY_FILE));
  const existing = await runFileNames(dir);
  const hashes = new Set(existing.map(hashOfName));
  const planned: Array<{ run: BaselineRun; name: string }> = [];
  const outcomes: Array<RunOutcome | undefined> = runs.map((run) => {
    const name = runFileName(run);
    if (hashes.has(hashOfName(name))) return { skip: `run ${run.runId} is already stored` };
    const all = [...existing, ...planned.map((p) => p.name)].sort();
    if (all.length >= a.historySize && name < all[all.length - a.historySize]!) {
      return { skip: `run ${run.runId} is older than the ${a.historySize} newest runs kept` };
    }
    hashes.add(hashOfName(name));
    planned.push({ run, name });
    return undefined;
  });
  if (planned.length === 0) return outcomes as RunOutcome[];

  if (!stored) {
    const text = `${JSON.stringify({ schemaVersion: STORE_SCHEMA_VERSION, key: a.key }, null, 2)}\n`;
    await writeFileAtomically(join(dir, KEY_FILE), text);
  }
  const window = new Set([...existing, ...planned.map((p) => p.name)].sort().slice(-a.sampleRuns));
  for (const { run, name } of planned) {
    await writeFileAtomically(join(dir, name), encodeRunFile(run, window.has(name)));
  }
  const kept = await tidy(dir, a);
  await updateSummary(dir, a.key, kept, new Map(planned.map((p) => [p.name, p.run])));
  return outcomes.map((o) => o ?? { runs: kept.length });
}

/**
 * Housekeeping on a fresh listing: compacts the runs just outside the newest `sampleRuns` that
 * still hold samples, deletes runs beyond `historySize`. Racing writers do the same idempotent work.
 * Returns the run files the key holds now, oldest first.
 */
async function tidy(dir: string, a: KeyDirAppend): Promise<string[]> {
  const names = await runFileNames(dir);
  const pruned = Math.max(0, names.length - a.historySize);
  const windowStart = Math.max(0, names.length - a.sampleRuns);
  for (const name of names.slice(Math.max(pruned, windowStart - a.sampleRuns), windowStart)) {
    await compactRun(join(dir, name), a.key);
  }
  for (const old of names.slice(0, pruned)) {
    await unlink(join(dir, old)).catch((error: unknown) => {
      if (!isMissing(error)) {
        throw new DataError(
          `${join(dir, old)}: stored the new run, but cannot remove this old one: ${(error as Error).message}`,
          old,
        );
      }
    });
  }
  return names.slice(pruned);
}

/**
 * Rewrites the key's summary to cover `names`: each run from what this append wrote, else from the
 * summary as it is now, else from its run file. A racing writer may rename its own summary over
 * this one a moment later; whichever wins, readers reconcile it with the listing (key-summary.ts).
 */
async function updateSummary(
  dir: string,
  key: BaselineKey,
  names: readonly string[],
  written: ReadonlyMap<string, BaselineRun>,
): Promise<void> {
  try {
    const old = await readSummary(dir, key);
    const records: SummaryRecord[] = [];
    for (const name of names.filter(summarizable)) {
      const run = written.get(name) ?? old?.get(name) ?? readRunFile(join(dir, name), key);
      if (run) records.push({ file: name, run });
    }
    await writeSummary(dir, key, records);
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    throw new DataError(
      `${error.message}\n(the new run is stored; the key's summary was not updated)`,
      error.file,
    );
  }
}

/** Rewrites a run file without its raw samples (same name, same run otherwise). */
async function compactRun(path: string, key: BaselineKey): Promise<void> {
  const run = readRunFile(path, key);
  if (run && hasSamples(run)) await writeFileAtomically(path, encodeRunFile(run, false));
}
