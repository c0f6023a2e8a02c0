import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIO } from '../helpers/fake-io.js';
import { STEP_AND_UPGRADE, writeNightlyStore } from '../history/nightly.js';
import { makeTempDir } from '../store/helpers.js';
import { checkPage, chromiumMissing, launch, type OpenedBrowser } from './chromium.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let site: string;
let browser: OpenedBrowser | undefined;

beforeAll(async () => {
  tmp = await makeTempDir();
  await writeNightlyStore(join(tmp.dir, 'store'), STEP_AND_UPGRADE);
  site = join(tmp.dir, 'site');
  const out = fakeIO({ cwd: tmp.dir });
  expect(await main(['dashboard', '--store', 'store', '--out', 'site'], out.io)).toBe(0);
  if (!chromiumMissing) browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await tmp?.cleanup();
});

describe('dashboard site', () => {
  it('is self-contained: no script, no external URL, a CSP that forbids loading anything', async () => {
    for (const name of await readdir(site)) {
      if (!name.endsWith('.html')) continue;
      const html = await readFile(join(site, name), 'utf8');
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
      expect(html).toContain("default-src 'none'");
    }
  });

  it('marks the step and the upgrade on the series page', async () => {
    const page = (await readdir(site)).find((n) => n.startsWith('nvidia-l4'))!;
    const html = await readFile(join(site, page), 'utf8');
    expect(html).toMatch(/class="mk mk-regression"/);
    expect(html).toMatch(/class="mk mk-environment"/);
    expect(html).toContain('runtime: tensorrt 10.3.0 → tensorrt 10.4.0');
    expect(html).toContain('class="chart distribution"');
  });

  it('refuses to replace a directory of other files', async () => {
    const out = fakeIO({ cwd: tmp.dir });
    expect(await main(['dashboard', '--store', 'store', '--out', 'store'], out.io)).toBe(2);
    expect(out.stderr).toContain('holds other files');
    // An earlier dashboard is replaced.
    expect(await main(['dashboard', '--store', 'store', '--out', 'site'], fakeIO({ cwd: tmp.dir }).io)).toBe(
      0,
    );
  });

  it.skipIf(chromiumMissing !== undefined)(
    'opens in Chromium without console errors, requests or horizontal overflow at 390 and 1280 px',
    async () => {
      for (const name of (await readdir(site)).filter((n) => n.endsWith('.html'))) {
        for (const width of [1280, 390]) {
          const check = await checkPage(
            browser!,
            join(site, name),
            width,
            `dashboard-${width}-${name.replace(/\.html$/, '')}.png`,
          );
          expect(check, `${name} at ${width} px`).toEqual({
            consoleErrors: [],
            requests: [],
            overflowPx: 0,
            overflowing: [],
          });
        }
      }
    },
    120_000,
  );
});
