#!/usr/bin/env node
// Bundles trt-gate with esbuild, so nothing is transpiled when it starts.
//
//   node scripts/build.mjs cli              dist/cli/ (gitignored; `npm ci` builds it through `prepare`)
//   node scripts/build.mjs action [DIR]     action/dist/index.js (committed: `uses:` runs no install)
//
// Plain JavaScript on purpose: `prepare` runs it before anything else is set up.
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onnxRuntimeLock } from './onnxruntime-lock.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The one native package: never bundled. The CLI resolves it from node_modules; the Action from
 * the directory it installs it into or is given (src/native/onnxruntime.ts, action/onnxruntime-install.ts).
 */
export const EXTERNAL = ['onnxruntime-node'];

/**
 * Compile-time constants (declared in src/build-constants.d.ts; vitest.config.ts defines the same
 * for the unbundled sources): the lockfile cut to onnxruntime-node, which the Action installs.
 */
export function buildConstants() {
  return {
    TRT_GATE_ONNXRUNTIME_NODE_LOCK: JSON.stringify(
      JSON.stringify(onnxRuntimeLock(join(ROOT, 'package-lock.json')).lockfile),
    ),
  };
}

// Bundled CommonJS dependencies call require() for Node's built-ins and read __filename (write-file-atomic
// names its temporary files after it); an ES module has neither of its own.
const CJS_SHIM = [
  "import { createRequire as __trtGateCreateRequire } from 'node:module';",
  "import { fileURLToPath as __trtGateFileURLToPath } from 'node:url';",
  'const require = __trtGateCreateRequire(import.meta.url);',
  'const __filename = __trtGateFileURLToPath(import.meta.url);',
].join('\n');

/**
 * Both bundles sit two directories below the package root (dist/cli/, action/dist/), where the
 * sources sit too (src/report/), so `new URL('../../reports/', import.meta.url)` means the same
 * directory from either.
 */
export const TARGETS = {
  cli: {
    entryPoints: { main: 'src/cli/main.ts' },
    outdir: 'dist/cli',
    // Commands import what they run inside their action (`await import`): a chunk each, so
    // `--help` loads commander and the command definitions only.
    splitting: true,
    chunkNames: '[name]-[hash]',
  },
  action: {
    entryPoints: { index: 'action/index.ts' },
    outdir: 'action/dist',
    // One committed file that a test diffs against a fresh build.
    splitting: false,
  },
};

/** Builds `target` into `outdir` (default its own directory); returns the esbuild metafile. */
export async function build(target, outdir) {
  const spec = TARGETS[target];
  if (!spec)
    throw new Error(`unknown build target ${target} (expected ${Object.keys(TARGETS).join(' or ')})`);
  const esbuild = await import('esbuild');
  const dir = outdir ? resolve(outdir) : join(ROOT, spec.outdir);
  // Chunk names carry content hashes: start empty so old chunks do not pile up.
  await rm(dir, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: spec.entryPoints,
    outdir: dir,
    splitting: spec.splitting,
    chunkNames: spec.chunkNames,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    // Paths in the bundle's comments as the project sees them, whatever node_modules links to.
    preserveSymlinks: true,
    define: buildConstants(),
    banner: { js: CJS_SHIM },
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [target = 'cli', outdir] = process.argv.slice(2);
  await build(target, outdir);
}
