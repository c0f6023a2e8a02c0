import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../scripts/build.mjs';
import { REPO_ROOT } from '../helpers/tiny-config.js';

let outdir: string;
let metafile: Metafile;

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'trt-gate-cli-bundle-'));
  metafile = await build('cli', outdir);
});
afterAll(() => rm(outdir, { recursive: true, force: true }));

/** The output files `entry` loads before it runs: itself and its static imports, transitively. */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imp of metafile.outputs[path]?.imports ?? []) {
      if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
    }
  };
  visit(entry);
  return seen;
}

describe('the CLI bundle (dist/cli/)', () => {
  it('starts with commander and the command catalogue only: each command is a chunk loaded when it runs', () => {
    const entry = Object.keys(metafile.outputs).find((p) => p.endsWith('/main.js'))!;
    const loaded = staticClosure(entry);
    const inputs = [...loaded].flatMap((p) => Object.keys(metafile.outputs[p]!.inputs));
    const packages = new Set(inputs.flatMap((i) => i.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? []));
    const externals = [...loaded].flatMap((p) =>
      metafile.outputs[p]!.imports.filter((i) => i.external && i.kind === 'import-statement').map(
        (i) => i.path,
      ),
    );
    const hint =
      'trt-gate --help would load this at start-up: import it inside the command (src/cli/command-catalogue.ts loads command modules on demand; a command module imports heavy code inside its action)';
    // Small ones only: commander, and picocolors (a few kB) for the terminal guard on every output.
    expect(
      [...packages].filter((p) => !['commander', 'picocolors'].includes(p)),
      hint,
    ).toEqual([]);
    expect(
      externals.filter((e) => !e.startsWith('node:')),
      hint,
    ).toEqual([]);
    expect(
      inputs.filter((i) => i.startsWith('src/cli/commands/')),
      hint,
    ).toEqual([]);
  });

  it('is what bin/trt-gate.js runs: --help and --version answer from the bundle', async () => {
    const help = await execa(process.execPath, [join(REPO_ROOT, 'bin', 'trt-gate.js'), '--help']);
    expect(help.stdout).toMatch(/^Usage: trt-gate/);
    const version = await execa(process.execPath, [join(REPO_ROOT, 'bin', 'trt-gate.js'), '--version']);
    expect(version.stdout).toBe(
      (await import('../../package.json', { with: { type: 'json' } })).default.version,
    );
  });
});
