import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Installer,
  locateOnnxRuntime,
  lockedOnnxRuntime,
  npmCi,
} from '../../action/onnxruntime-install.js';
import { UsageError } from '../../src/errors.js';
import { REPO_ROOT } from '../helpers/tiny-config.js';

const { version } = lockedOnnxRuntime();
let root: string;
let lines: string[];
const log = (line: string) => lines.push(line);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'trt-gate-ort-install-'));
  lines = [];
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** A package tree as npm ci leaves it, for an installer twin. */
async function fakePackage(prefix: string, v = version): Promise<void> {
  const dir = join(prefix, 'node_modules', 'onnxruntime-node');
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'onnxruntime-node', version: v }));
  await writeFile(join(dir, 'dist', 'index.js'), 'export const fake = true;\n');
}

/** An installer twin that counts its calls and checks what it was given to install. */
function twin(): Installer & { calls: string[] } {
  const calls: string[] = [];
  const install = async (dir: string) => {
    calls.push(dir);
    expect(existsSync(join(dir, 'package-lock.json'))).toBe(true);
    await fakePackage(dir);
  };
  return Object.assign(install, { calls });
}

describe('locateOnnxRuntime (the Action installs onnxruntime-node only where a model runs)', () => {
  it('pins the lockfile: onnxruntime-node and its whole dependency closure, with integrity', () => {
    const { lockfile } = lockedOnnxRuntime();
    const paths = Object.keys(lockfile.packages);
    expect(paths).toContain('node_modules/onnxruntime-node');
    expect(paths).toContain('node_modules/onnxruntime-common');
    for (const path of paths.filter(Boolean))
      expect((lockfile.packages[path] as { integrity?: string }).integrity, path).toMatch(/^sha512-/);
    // Nothing of trt-gate's own dependencies comes along.
    expect(paths).not.toContain('node_modules/zod');
  });

  it('installs into the tool cache once; a later job finds it there without installing', async () => {
    const install = twin();
    const first = await locateOnnxRuntime({ toolCache: root, install, log });
    const second = await locateOnnxRuntime({ toolCache: root, install, log });
    expect(first).toBe(second);
    expect(first.startsWith(join(root, 'trt-gate-onnxruntime-node', version))).toBe(true);
    expect(install.calls).toHaveLength(1);
    // No staging directory is left behind.
    expect(await readdir(join(root, 'trt-gate-onnxruntime-node', version))).toEqual([
      `${platform()}-${arch()}`,
    ]);
  });

  it('two jobs racing on one runner both end with the same complete install', async () => {
    const install = twin();
    const [a, b] = await Promise.all([
      locateOnnxRuntime({ toolCache: root, install, log }),
      locateOnnxRuntime({ toolCache: root, install, log }),
    ]);
    expect(a).toBe(b);
    expect(existsSync(a)).toBe(true);
    const versionDir = join(root, 'trt-gate-onnxruntime-node', version);
    expect((await readdir(versionDir)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('never uses an install that did not finish; replaces it', async () => {
    const install = twin();
    const entry = await locateOnnxRuntime({ toolCache: root, install, log });
    const prefix = entry.slice(0, entry.indexOf('/node_modules/'));
    await rm(join(prefix, '.trt-gate-complete'));
    await locateOnnxRuntime({ toolCache: root, install, log });
    expect(install.calls).toHaveLength(2);
    expect(existsSync(join(prefix, '.trt-gate-complete'))).toBe(true);
  });

  it('a failed install leaves nothing in the cache and says how to pre-install', async () => {
    const failing: Installer = async () => {
      throw new UsageError('installing onnxruntime-node failed (npm ci …): no registry');
    };
    await expect(locateOnnxRuntime({ toolCache: root, install: failing, log })).rejects.toThrow(
      /no registry/,
    );
    expect(await readdir(join(root, 'trt-gate-onnxruntime-node', version))).toEqual([]);
  });

  it('uses a pre-installed directory as given, and never writes to it', async () => {
    const pre = join(root, 'pre');
    await fakePackage(pre);
    const install = twin();
    const entry = await locateOnnxRuntime({ preinstalled: pre, toolCache: root, install, log });
    expect(entry).toBe(join(pre, 'node_modules', 'onnxruntime-node', 'dist', 'index.js'));
    expect(install.calls).toEqual([]);
    expect(await readdir(root)).toEqual(['pre']);
  });

  it('a pre-installed directory without the package is a usage error naming the input', async () => {
    const error = await locateOnnxRuntime({ preinstalled: join(root, 'empty'), log }).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(
      /input onnxruntime-node-dir: .*empty has no node_modules\/onnxruntime-node/,
    );
    expect(error.message).toContain(`ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix`);
  });

  it('a pre-installed other version is used, with a note', async () => {
    const pre = join(root, 'pre');
    await fakePackage(pre, '0.0.1');
    await locateOnnxRuntime({ preinstalled: pre, log });
    expect(lines.join('\n')).toMatch(/holds onnxruntime-node 0\.0\.1; this trt-gate was tested with/);
  });

  it('npm ci of the pinned lockfile gives a working onnxruntime-node (offline, from the npm cache)', async (context) => {
    let entry: string;
    try {
      entry = await locateOnnxRuntime({ toolCache: root, install: npmCi(['--offline']), log });
    } catch (error) {
      // The test machine's npm cache lacks the tarballs (a fresh cache and no network): say so.
      context.skip(
        `npm ci --offline could not install onnxruntime-node: ${(error as Error).message.split('\n')[0]}`,
      );
      return;
    }
    const ort = (await import(pathToFileURL(entry).href)) as typeof import('onnxruntime-node');
    const session = await ort.InferenceSession.create(
      join(REPO_ROOT, 'examples', 'quickstart', 'models', 'mlp-fp32.onnx'),
    );
    expect(session.inputNames.length).toBeGreaterThan(0);
    await session.release();
  }, 180_000);
});
