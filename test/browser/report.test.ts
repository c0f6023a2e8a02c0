import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/render.js';
import { mixedResults } from '../report/helpers.js';
import { makeTempDir } from '../store/helpers.js';
import { checkPage, chromiumMissing, launch, type OpenedBrowser } from './chromium.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let browser: OpenedBrowser | undefined;

beforeAll(async () => {
  tmp = await makeTempDir();
  if (!chromiumMissing) browser = await launch();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await tmp?.cleanup();
});

describe('report.html in Chromium', () => {
  it.skipIf(chromiumMissing !== undefined)(
    'has no console errors, makes no requests and does not scroll sideways at 390 px',
    async () => {
      const file = join(tmp.dir, 'report.html');
      const gpu = mixedResults({ device: 'NVIDIA H100 80GB HBM3', runId: 'gpu' });
      const cpu = mixedResults({ runId: 'cpu', model: 'a-model-with-a-rather-long-name-<b>bold</b>' });
      await writeFile(file, renderReport('html', [gpu, cpu]));
      for (const width of [1280, 390]) {
        const check = await checkPage(browser!, file, width, `report-${width}.png`);
        expect(check, `report.html at ${width} px`).toEqual({
          consoleErrors: [],
          requests: [],
          overflowPx: 0,
          overflowing: [],
        });
      }
    },
    60_000,
  );
});
