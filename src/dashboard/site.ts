import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import {
  DEFAULT_HISTORY_OPTIONS,
  type HistoryOptions,
  readHistory,
  type StoreHistory,
} from '../history/index.js';
import type { BaselineStore } from '../store/types.js';
import { writeFileAtomically } from '../util/atomic-write.js';
import { indexPage, type SeriesPage, seriesFileName, seriesPage } from './pages.js';

/**
 * The static dashboard: plain HTML with inline CSS and SVG drawn here, at build time. No scripts,
 * no fonts or libraries from a CDN: it opens from a file, from GitHub Pages or as a CI artifact,
 * offline, and a Content-Security-Policy of `default-src 'none'` holds.
 */
export async function buildDashboard(
  store: BaselineStore,
  options: { filters?: readonly string[]; history?: HistoryOptions; now?: Date } = {},
): Promise<Map<string, string>> {
  const history = await readHistory(store, options.filters ?? [], options.history ?? DEFAULT_HISTORY_OPTIONS);
  return dashboardFiles(history, store.description, options.now);
}

/** The site's files (name → HTML) for series already read and analysed. */
export function dashboardFiles(history: StoreHistory, source: string, now = new Date()): Map<string, string> {
  const pages: SeriesPage[] = history.series.map((series, i) => ({
    series,
    history: history.report.series[i]!,
    file: seriesFileName(series),
  }));
  const files = new Map<string, string>();
  files.set('index.html', indexPage(pages, now.toISOString(), source));
  for (const p of pages) files.set(p.file, seriesPage(p));
  return files;
}

/** Where a built site goes: a directory here, the data branch (for GitHub Pages), a map in tests. */
export interface SitePublisher {
  /** Replaces the published site with `files` as a whole; says where it went. */
  publish(files: Map<string, string>): Promise<string>;
}

/** Publishes into a local directory (see {@link writeDashboard}). */
export function directoryPublisher(dir: string): SitePublisher {
  return {
    publish: async (files) => {
      await writeDashboard(dir, files);
      return dir;
    },
  };
}

/** Marks a directory as a dashboard this command wrote, and so may replace. */
const MARKER = '.trt-gate-dashboard';

async function entries(dir: string): Promise<string[] | undefined> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes the site into `dir`: built in a sibling temp directory first, then swapped in, so a
 * reader (or a publish step) never sees half a site. An existing directory is replaced only when
 * it is empty or an earlier dashboard (it holds the marker file): never a directory of other files.
 */
export async function writeDashboard(dir: string, files: Map<string, string>): Promise<string[]> {
  const existing = await entries(dir);
  if (existing && existing.length > 0 && !existing.includes(MARKER))
    throw new UsageError(
      `--out ${dir}: the directory holds other files; give an empty or new directory (or an earlier dashboard)`,
    );
  const staging = `${dir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  for (const [name, html] of files) await writeFileAtomically(join(staging, name), html);
  await writeFileAtomically(join(staging, MARKER), 'written by trt-gate dashboard\n');
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  return [...files.keys()].map((name) => join(dir, name));
}
