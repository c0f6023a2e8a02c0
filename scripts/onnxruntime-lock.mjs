// onnxruntime-node and the packages it depends on, cut out of package-lock.json: what the Action
// installs where a job runs inference, pinned (versions and integrity) to what the tests ran with.
import { readFileSync } from 'node:fs';

export const PACKAGE = 'onnxruntime-node';

/**
 * A package-lock.json (v3) whose root depends on onnxruntime-node only, with the locked entries of
 * its dependency closure, so that `npm ci` in an empty directory installs exactly those.
 */
export function onnxRuntimeLock(lockfilePath) {
  const lock = JSON.parse(readFileSync(lockfilePath, 'utf8'));
  const all = lock.packages ?? {};
  const top = `node_modules/${PACKAGE}`;
  const entry = all[top];
  if (!entry?.version) throw new Error(`${lockfilePath}: no ${top} entry`);
  const packages = {};
  const visit = (path) => {
    if (packages[path]) return;
    const { dev, devOptional, peer, ...kept } = all[path];
    packages[path] = kept;
    for (const name of Object.keys(all[path].dependencies ?? {})) {
      // Node's resolution: the nearest node_modules folder up from the dependent.
      let dir = path;
      let found;
      for (;;) {
        const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
        if (all[candidate]) {
          found = candidate;
          break;
        }
        if (!dir) throw new Error(`${lockfilePath}: ${path} depends on ${name}, which is not locked`);
        const up = dir.lastIndexOf('/node_modules/');
        dir = up === -1 ? '' : dir.slice(0, up);
      }
      visit(found);
    }
  };
  visit(top);
  const root = { name: 'trt-gate-onnxruntime-node', dependencies: { [PACKAGE]: entry.version } };
  return {
    version: entry.version,
    packageJson: root,
    lockfile: { ...root, lockfileVersion: 3, requires: true, packages: { '': root, ...packages } },
  };
}
