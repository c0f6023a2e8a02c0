import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { DataError, UsageError } from '../src/errors.js';
import { parseResults } from '../src/results/io.js';
import type { Results } from '../src/results/schema.js';

/** Files one `results-files` input may name (a matrix is rarely wider than a few dozen jobs). */
export const MAX_RESULTS_FILES = 500;

const GLOB_CHARS = /[*?[\]{}]/;

function toPosix(path: string): string {
  return sep === '\\' ? path.replace(/\\/g, '/') : path;
}

/**
 * A glob as a regular expression over `/`-separated absolute paths: `*` and `?` stay within one
 * segment, `**` spans segments (`a/**\/b` also matches `a/b`). Brackets and braces are not
 * supported (refused by {@link expandResultsFiles}).
 */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        if (pattern[i + 2] === '/') {
          re += '(?:[^/]*/)*';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Directory entries one glob may visit before it is refused (a whole disk is not a matrix). */
export const MAX_WALKED_ENTRIES = 200_000;

/**
 * Files under `dir` that `re` matches. The limit counts matches, not files walked: 600 trace files
 * beside a results.json must not hide it. The walk itself is bounded, and exceeding either bound is
 * an error, never a silent cut (a cut could drop an architecture's regression).
 */
async function walk(dir: string, re: RegExp, out: string[], budget: { left: number }): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw error;
  }
  budget.left -= entries.length;
  if (budget.left < 0) {
    throw new UsageError(
      `results-files: more than ${MAX_WALKED_ENTRIES} entries under the glob's base directory; narrow the pattern`,
    );
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      await walk(path, re, out, budget);
    } else if (entry.isFile() && re.test(toPosix(path))) {
      out.push(path);
      if (out.length > MAX_RESULTS_FILES) {
        throw new UsageError(
          `results-files: more than ${MAX_RESULTS_FILES} files match; narrow the patterns`,
        );
      }
    }
  }
}

/**
 * The files a `results-files` input names: each line a path or a glob (`*`, `?`, `**`), relative
 * to `cwd` (the workspace). A plain path must exist; a glob must match at least one file.
 * Symbolic links are never followed. Sorted, without duplicates.
 */
export async function expandResultsFiles(patterns: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const pattern of patterns) {
    const absolute = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
    if (!GLOB_CHARS.test(pattern)) {
      found.add(absolute);
      continue;
    }
    if (/[[\]{}]/.test(pattern)) {
      throw new UsageError(
        `results-files: ${JSON.stringify(pattern)}: only *, ? and ** are supported in globs`,
      );
    }
    const segments = toPosix(absolute).split('/');
    const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
    const base = segments.slice(0, firstGlob).join('/') || '/';
    const matches: string[] = [];
    await walk(base, globToRegExp(toPosix(absolute)), matches, { left: MAX_WALKED_ENTRIES });
    if (matches.length === 0)
      throw new UsageError(`results-files: no file matches ${JSON.stringify(pattern)}`);
    for (const m of matches) found.add(m);
    if (found.size > MAX_RESULTS_FILES) {
      throw new UsageError(`results-files: more than ${MAX_RESULTS_FILES} files match; narrow the patterns`);
    }
  }
  return [...found].sort();
}

/**
 * Reads one results file from a possibly untrusted source (an artifact of a fork's workflow): a
 * regular file (not a link), at most `maxBytes`, valid JSON that the results zod schema accepts.
 * Its gate outcome is dropped: the gate is always decided here. Its comparisons are kept only for
 * the gating step to keep same-job A/B pairs where it trusts their source (src/app/gate-results.ts,
 * action/modes.ts); every other entry is judged here, against the store, with this config.
 */
export async function loadResultsFile(path: string, maxBytes: number): Promise<Results> {
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `results-files: ${path}: ${code === 'ENOENT' ? 'file not found' : (error as Error).message}`,
    );
  }
  if (!info.isFile()) throw new DataError(`${path}: not a regular file (links are not followed)`, path);
  if (info.size > maxBytes) {
    throw new DataError(
      `${path}: ${info.size} bytes is over the ${maxBytes}-byte limit for results files (input max-results-mb)`,
      path,
    );
  }
  const text = await readFile(path, 'utf8');
  if (text.length > maxBytes) throw new DataError(`${path}: over the size limit`, path);
  const results = parseResults(text, path);
  delete results.gate;
  return results;
}

export interface UnreadableFile {
  file: string;
  message: string;
}

/**
 * Every file the patterns name. With `keepGoing` (aggregate: one report for the whole matrix), a
 * file that cannot be read or fails validation is returned in `unreadable` instead of aborting,
 * so the others are still reported; the caller must fail the gate on it.
 */
export async function loadResultsFiles(
  patterns: readonly string[],
  cwd: string,
  maxBytes: number,
  keepGoing = false,
): Promise<{ files: string[]; results: Results[]; unreadable: UnreadableFile[] }> {
  const files = await expandResultsFiles(patterns, cwd);
  const results: Results[] = [];
  const unreadable: UnreadableFile[] = [];
  for (const file of files) {
    try {
      results.push(await loadResultsFile(file, maxBytes));
    } catch (error) {
      if (!keepGoing || !(error instanceof DataError)) throw error;
      unreadable.push({ file, message: error.message.split('\n').slice(0, 3).join('; ') });
    }
  }
  return { files, results, unreadable };
}
