import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (which downloads no browser). Tests that need it
 * skip, saying why, only where it is not installed (.ci/run installs it).
 */
export const CHROMIUM = process.env.TRT_GATE_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is not installed (apt-get install -y chromium); browser tests skipped`;
if (chromiumMissing) console.warn(`trt-gate browser tests: ${chromiumMissing}`);

/** Where screenshots go: kept by CI as artifacts, ignored by git. */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

export interface OpenedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(): Promise<OpenedBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'trt-gate-chromium-'));
  // A fresh profile per launch (playwright passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    offline: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface PageCheck {
  consoleErrors: string[];
  /** Requests other than the page's own file. */
  requests: string[];
  /** Document width beyond the viewport, px (0: no horizontal scrolling). */
  overflowPx: number;
  /** Elements wider than the viewport that cause it. */
  overflowing: string[];
}

/** Opens a local HTML file at one viewport width, records what a reader's browser would see. */
export async function checkPage(
  opened: OpenedBrowser,
  file: string,
  width: number,
  screenshot: string,
): Promise<PageCheck> {
  const page = await opened.context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const url = pathToFileURL(file).href;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  const layout = await page.evaluate(() => {
    const doc = document.documentElement;
    const vw = doc.clientWidth;
    const overflowing = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > vw + 1 && !el.closest('.table-wrap, .scroll-x'))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { overflowPx: doc.scrollWidth - vw, overflowing };
  });
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
  await page.close();
  return { consoleErrors, requests, ...layout };
}
