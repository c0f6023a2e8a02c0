/**
 * The timing cache of a build, recorded and verified. trtexec (samples/common, sampleEngines.cpp and
 * sampleUtils) prints, at info level:
 *   Loaded <N> bytes of timing cache from <file>
 *   Could not read timing cache from: <file>. A new timing cache will be generated and written.   (warning)
 *   Saved <N> bytes of timing cache to <file>
 * The file's sha256 before and after the build tells whether the builder timed tactics the cache did
 * not hold (a miss: its tactic choices may then differ from builds that used the old cache, which is
 * how "same code, different latency" happens). A build told to use an existing cache that did not load
 * it, or that wrote none, is flagged too.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Incident } from '../../results/schema.js';
import { writeJsonAtomically } from '../../util/atomic-write.js';
import { sha256File } from '../../util/hash.js';

export interface CacheFileState {
  sha256: string;
  bytes: number;
}

export type TimingCacheStatus =
  | 'hit'
  | 'rewritten'
  | 'created'
  | 'extended'
  | 'missed'
  | 'not-loaded'
  | 'not-saved';

export interface TimingCacheRecord {
  file: string;
  before: CacheFileState | null;
  after: CacheFileState | null;
  /** Bytes trtexec says it loaded / saved (absent when it did not say). */
  loadedBytes?: number;
  savedBytes?: number;
  status: TimingCacheStatus;
  /** What the status means for this build. */
  note: string;
}

/** Null when the file does not exist. */
export async function cacheFileState(file: string): Promise<CacheFileState | null> {
  try {
    const bytes = (await stat(file)).size;
    return { sha256: await sha256File(file), bytes };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The last "Loaded/Saved N bytes of timing cache" numbers in a build log. */
export function timingCacheLog(log: string): {
  loadedBytes?: number;
  savedBytes?: number;
  unreadable: boolean;
} {
  const last = (re: RegExp) => {
    const all = [...log.matchAll(re)];
    const m = all.at(-1);
    return m ? Number(m[1]) : undefined;
  };
  const loadedBytes = last(/Loaded (\d+) bytes of timing cache from /g);
  const savedBytes = last(/Saved (\d+) bytes of timing cache to /g);
  return {
    ...(loadedBytes !== undefined ? { loadedBytes } : {}),
    ...(savedBytes !== undefined ? { savedBytes } : {}),
    unreadable: /Could not read timing cache from/.test(log),
  };
}

/**
 * `seenBefore`: this engine (same model and build flags) was built with this cache before, so its
 * tactics should all be in it; growth then is a miss. A first build of an engine adds its timings
 * (`extended`): expected, not flagged.
 */
export function verifyTimingCache(
  file: string,
  before: CacheFileState | null,
  after: CacheFileState | null,
  log: string,
  seenBefore: boolean,
): TimingCacheRecord {
  const said = timingCacheLog(log);
  const base = {
    file,
    before,
    after,
    ...(said.loadedBytes !== undefined ? { loadedBytes: said.loadedBytes } : {}),
    ...(said.savedBytes !== undefined ? { savedBytes: said.savedBytes } : {}),
  };
  const record = (status: TimingCacheStatus, note: string): TimingCacheRecord => ({ ...base, status, note });
  if (before !== null && (said.unreadable || said.loadedBytes !== before.bytes)) {
    const why = said.unreadable
      ? 'trtexec could not read it'
      : said.loadedBytes === undefined
        ? 'the log never says it was loaded'
        : `trtexec loaded ${said.loadedBytes} bytes but the file held ${before.bytes}`;
    return record(
      'not-loaded',
      `the timing cache existed (${before.bytes} bytes) but ${why}: every tactic was timed anew`,
    );
  }
  if (after === null)
    return record('not-saved', 'the build wrote no timing cache: the next build times every tactic again');
  if (before === null)
    return record('created', `first build with this cache: ${after.bytes} bytes of tactic timings written`);
  if (after.sha256 === before.sha256) return record('hit', 'every tactic timing came from the cache');
  // A cache only grows when timings are added; a rewrite of the same size added none.
  if (after.bytes <= before.bytes) {
    return record(
      'rewritten',
      `the cache was rewritten without growing (${before.bytes} → ${after.bytes} bytes): no tactic was timed anew`,
    );
  }
  if (!seenBefore) {
    return record(
      'extended',
      `first build of this engine with this cache: its tactic timings were added (${before.bytes} → ${after.bytes} bytes)`,
    );
  }
  return record(
    'missed',
    `this engine was built with this cache before, yet the cache did not hold every tactic it needed (${before.bytes} → ${after.bytes} bytes): the builder timed some anew, so its tactic choices may differ from the earlier build`,
  );
}

const FLAGGED: ReadonlySet<TimingCacheStatus> = new Set(['missed', 'not-loaded', 'not-saved']);

/** An incident for a build whose timing cache was told to be used but did not serve it. */
export function timingCacheIncident(record: TimingCacheRecord, logFile: string): Incident | undefined {
  if (!FLAGGED.has(record.status)) return undefined;
  return {
    kind: 'timing-cache-miss',
    stage: 'build',
    title: `Timing cache ${record.status === 'missed' ? 'missed' : record.status === 'not-loaded' ? 'not loaded' : 'not written'}`,
    message: `${record.file}: ${record.note}.`,
    nextSteps: [`Full trtexec log: ${logFile}`],
  };
}

/**
 * Which engines were built with a timing cache: `<cache>.builds.json` beside it, { engine key: sha256
 * of the cache after that build }. Unreadable or absent: no engine seen (nothing flagged as a miss).
 */
export function buildsFile(cacheFile: string): string {
  return `${cacheFile}.builds.json`;
}

export async function seenEngines(cacheFile: string): Promise<Record<string, string>> {
  try {
    const data = JSON.parse(await readFile(buildsFile(cacheFile), 'utf8')) as unknown;
    return typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, string>)
      : {};
  } catch {
    return {};
  }
}

export async function recordEngine(
  cacheFile: string,
  engineKey: string,
  after: CacheFileState | null,
): Promise<void> {
  if (after === null) return;
  const seen = await seenEngines(cacheFile);
  await writeJsonAtomically(buildsFile(cacheFile), { ...seen, [engineKey]: after.sha256 });
}
