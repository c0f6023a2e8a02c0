import { copyFile, lstat, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { type LoadedConfig, loadConfig } from '../config/load.js';
import { DataError, UsageError } from '../errors.js';
import { sha256File } from '../util/hash.js';
import { referencedFiles } from './base-side.js';

/**
 * A kept base side: what the base branch's baseline job leaves for pull requests to measure
 * against (uploaded as an artifact, downloaded by the PR job). It holds the config and every file
 * the config names (models, input data, calibration caches) at their paths relative to the
 * workspace, under `tree/`, and a manifest with the commit they are of and each file's sha256 and
 * size. Opening one verifies every file against the manifest before anything is loaded: a file
 * changed, missing, added as a link, or named by the config but not kept is an error naming it.
 * Engines are not kept: the engine cache (src/runners/trtexec/engine-cache.ts) is keyed by the
 * ONNX file's sha256, the build flags, TensorRT and the GPU, so the same base models hit a
 * runner's own cache without carrying engines between machines.
 */
export const BUNDLE_MANIFEST = 'trt-gate-base.json';
const TREE = 'tree';

const Manifest = z.object({
  schema: z.literal(1),
  /** The commit the files are of (the baseline job's). */
  commit: z.string().regex(/^[0-9a-f]{7,64}$/),
  /** The branch it was kept for, where known. */
  branch: z.string().optional(),
  createdAt: z.string(),
  /** The config, relative to the workspace (posix). */
  config: z.string(),
  files: z.array(
    z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number() }),
  ),
});
export type BundleManifest = z.infer<typeof Manifest>;

/** A posix path relative to the workspace that stays inside it, or why not. */
function insideRel(path: string): string | undefined {
  const rel = posix.normalize(path);
  if (posix.isAbsolute(rel) || rel === '..' || rel.startsWith('../') || rel === '.') return undefined;
  return rel;
}

/** The config's files relative to the workspace `cwd` (posix), refusing any outside it. */
function keptPaths(loaded: LoadedConfig, cwd: string): string[] {
  const configRel = relative(cwd, resolve(cwd, loaded.file)).split(sep).join('/');
  const paths = [configRel];
  for (const { field, value } of referencedFiles(loaded.config)) {
    const abs = isAbsolute(value) ? value : resolve(loaded.dir, value);
    paths.push(relative(cwd, abs).split(sep).join('/'));
    if (!insideRel(paths.at(-1)!)) {
      throw new UsageError(`${loaded.file}: ${field} (${value}) is outside the workspace: it cannot be kept`);
    }
  }
  if (!insideRel(configRel)) throw new UsageError(`${loaded.file} is outside the workspace ${cwd}`);
  return [...new Set(paths)];
}

/**
 * Writes the bundle of `loaded` (its config and files, from the workspace `cwd`) to `out`: staged
 * beside it, each copy's sha256 computed from the copy, the manifest written last, then renamed
 * into place. Returns the manifest.
 */
export async function writeBaseBundle(
  loaded: LoadedConfig,
  cwd: string,
  out: string,
  source: { commit: string; branch?: string },
): Promise<BundleManifest> {
  const paths = keptPaths(loaded, cwd);
  const stage = `${out}.tmp-${process.pid}-${Date.now().toString(36)}`;
  await rm(stage, { recursive: true, force: true });
  try {
    const files: BundleManifest['files'] = [];
    for (const path of paths) {
      const to = join(stage, TREE, ...path.split('/'));
      await mkdir(dirname(to), { recursive: true });
      await copyFile(join(cwd, ...path.split('/')), to);
      files.push({ path, sha256: await sha256File(to), bytes: (await stat(to)).size });
    }
    const manifest: BundleManifest = {
      schema: 1,
      commit: source.commit,
      ...(source.branch ? { branch: source.branch } : {}),
      createdAt: new Date().toISOString(),
      config: paths[0]!,
      files,
    };
    await writeFile(join(stage, BUNDLE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(out, { recursive: true, force: true });
    await rename(stage, out);
    return manifest;
  } catch (error) {
    await rm(stage, { recursive: true, force: true });
    throw error;
  }
}

/** Whether `dir` is a kept base bundle (it has a manifest). */
export async function isBaseBundle(dir: string): Promise<boolean> {
  try {
    return (await lstat(join(dir, BUNDLE_MANIFEST))).isFile();
  } catch {
    return false;
  }
}

/**
 * The base side's config from the bundle in `dir`, after verifying every kept file; `configPath`
 * is the candidate's config relative to `cwd`, which the bundle's must be. DataError (exit 4)
 * naming the file for anything that does not verify.
 */
export async function openBaseBundle(
  dir: string,
  configPath: string,
  cwd: string,
): Promise<{ loaded: LoadedConfig; manifest: BundleManifest }> {
  const manifestFile = join(dir, BUNDLE_MANIFEST);
  let manifest: BundleManifest;
  try {
    manifest = Manifest.parse(JSON.parse(await readFile(manifestFile, 'utf8')));
  } catch (error) {
    throw new DataError(
      `${manifestFile}: not a kept base manifest (${(error as Error).message.split('\n')[0]})`,
    );
  }
  const wanted = relative(cwd, resolve(cwd, configPath)).split(sep).join('/');
  if (manifest.config !== wanted) {
    throw new UsageError(`${manifestFile}: the kept base's config is ${manifest.config}, not ${wanted}`);
  }
  const kept = new Set<string>();
  for (const f of manifest.files) {
    const rel = insideRel(f.path);
    if (!rel) throw new DataError(`${manifestFile}: files: ${JSON.stringify(f.path)} is outside the bundle`);
    const file = join(dir, TREE, ...rel.split('/'));
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(file);
    } catch {
      throw new DataError(`${file}: listed in ${BUNDLE_MANIFEST} but missing`);
    }
    if (!info.isFile()) throw new DataError(`${file}: expected a regular file (not a link or directory)`);
    if (info.size !== f.bytes || (await sha256File(file)) !== f.sha256) {
      throw new DataError(
        `${file}: does not match its sha256 and size in ${BUNDLE_MANIFEST} (changed after it was kept)`,
      );
    }
    kept.add(rel);
  }
  if (!kept.has(manifest.config))
    throw new DataError(`${manifestFile}: the config ${manifest.config} is not kept`);
  const root = join(dir, TREE);
  const loaded = await loadConfig(join(root, ...manifest.config.split('/')));
  // Every file the kept config names must be one that was verified above.
  for (const path of keptPaths(loaded, root)) {
    if (!kept.has(path)) {
      throw new DataError(
        `${join(root, path)}: named by the kept config but not listed in ${BUNDLE_MANIFEST}`,
      );
    }
  }
  return { loaded, manifest };
}
