import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tiny-config.js';

/**
 * trt-gate promises Node 20 (package.json engines) while the Action runs on node24: no package on
 * the runtime path may declare a Node range that excludes current Node 20 releases.
 * (content-type 3, via @octokit/request, declares >=22: package.json overrides it to 2.1.0.)
 */
it('no runtime dependency in package-lock.json declares a Node range without Node 20', async () => {
  const lock = JSON.parse(await readFile(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; engines?: { node?: string } }>;
  };
  const excluding = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && !entry.dev && entry.engines?.node)
    .filter(([, entry]) => !semver.satisfies('20.19.0', entry.engines!.node!))
    .map(([path, entry]) => `${path} (node ${entry.engines!.node})`);
  expect(excluding).toEqual([]);
});
