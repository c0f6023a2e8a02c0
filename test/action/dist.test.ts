import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { build } from '../../scripts/build.mjs';
import { PROJECT_ROOT } from './helpers/sandbox.js';

/**
 * check-dist (as in actions/typescript-action): `uses:` runs the committed action/dist/index.js,
 * so it must be what the sources build to now.
 */
it('action/dist/index.js is the bundle the sources build to (else: npm run build:action, then commit it)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trt-gate-check-dist-'));
  try {
    await build('action', dir);
    const fresh = await readFile(join(dir, 'index.js'), 'utf8');
    const committed = await readFile(join(PROJECT_ROOT, 'action', 'dist', 'index.js'), 'utf8').catch(
      () => '',
    );
    // Not toBe: a diff of two 3 MB strings is no help; the message says what to do.
    expect(
      committed === fresh,
      'action/dist/index.js is stale: run `npm run build:action` and commit action/dist/index.js',
    ).toBe(true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
