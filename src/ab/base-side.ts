import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { execa } from 'execa';
import { type LoadedConfig, loadConfig, parseConfig } from '../config/load.js';
import type { TrtGateConfig } from '../config/schema.js';
import { ConfigError, UsageError } from '../errors.js';
import { isBaseBundle, openBaseBundle } from './base-bundle.js';

/**
 * The base side of an A/B run: the PR base's config and model files. From a git ref they are read
 * as blobs (`git cat-file`) into a private temp directory — only the config and the files it names
 * (models, input data, calibration caches); nothing of the base is checked out or run. From a
 * directory, its config at the same relative path as the candidate's is loaded as is; a directory
 * holding a kept base (src/ab/base-bundle.ts) is verified first.
 */
export interface BaseSide {
  loaded: LoadedConfig;
  /** What the base is, for reports: `git main (1a2b3c4)` or `directory ../base`. */
  label: string;
  cleanup(): Promise<void>;
}

/** `against` is a directory when one exists at that path, else a git ref. */
export async function openBaseSide(against: string, configPath: string, cwd: string): Promise<BaseSide> {
  const asDir = resolve(cwd, against);
  if (await isBaseBundle(asDir)) {
    const { loaded, manifest } = await openBaseBundle(asDir, configPath, cwd);
    const of = manifest.branch ? ` of ${manifest.branch}` : '';
    return { loaded, label: `kept base${of} at ${manifest.commit.slice(0, 12)}`, cleanup: async () => {} };
  }
  if (await isDirectory(asDir)) {
    const loaded = await loadConfig(join(asDir, relative(cwd, resolve(cwd, configPath))));
    return { loaded, label: `directory ${against}`, cleanup: async () => {} };
  }
  return baseFromGitRef(against, resolve(cwd, configPath));
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function git(cwd: string, args: string[]): Promise<{ ok: boolean; out: Buffer; err: string }> {
  const r = await execa('git', args, {
    cwd,
    reject: false,
    encoding: 'buffer',
    stdin: 'ignore',
    env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
  return {
    ok: r.exitCode === 0,
    out: Buffer.from(r.stdout as Uint8Array),
    err: Buffer.from(r.stderr as Uint8Array).toString(),
  };
}

export async function baseFromGitRef(ref: string, configAbs: string): Promise<BaseSide> {
  if (ref.startsWith('-') || ref.length === 0)
    throw new UsageError(`--against ${ref}: not a git ref or directory`);
  const configDir = dirname(configAbs);
  const top = await git(configDir, ['rev-parse', '--show-toplevel']);
  if (!top.ok)
    throw new UsageError(`--against ${ref}: ${configDir} is not in a git repository (and no such directory)`);
  const root = top.out.toString().trim();
  const sha = await git(configDir, [
    'rev-parse',
    '--verify',
    '--quiet',
    '--end-of-options',
    `${ref}^{commit}`,
  ]);
  if (!sha.ok) throw new UsageError(`--against ${ref}: no such commit or directory`);
  const commit = sha.out.toString().trim();
  const configRel = relative(root, configAbs).split(sep).join('/');
  const file = `${ref}:${configRel}`;
  const blob = async (path: string, field: string): Promise<Buffer> => {
    const r = await git(root, ['cat-file', 'blob', `${commit}:${path}`]);
    if (!r.ok) throw new ConfigError([{ file, path: field, message: `${path} does not exist at ${ref}` }]);
    return r.out;
  };
  const { config, runnerOptions } = parseConfig((await blob(configRel, '')).toString('utf8'), file);
  const dir = await mkdtemp(join(tmpdir(), 'trt-gate-base-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    for (const { field, value } of referencedFiles(config)) {
      if (isAbsolute(value)) {
        throw new ConfigError([
          {
            file,
            path: field,
            message: `an absolute path (${value}) cannot be read from a git ref; use --against DIR`,
          },
        ]);
      }
      const rel = posix.normalize(posix.join(posix.dirname(configRel), value));
      if (rel.startsWith('../') || rel === '..') {
        throw new ConfigError([{ file, path: field, message: `${value} is outside the repository` }]);
      }
      const data = await blob(rel, field);
      if (data.subarray(0, 40).toString('latin1').startsWith('version https://git-lfs')) {
        throw new ConfigError([
          {
            file,
            path: field,
            message: `${rel} is a Git LFS pointer at ${ref}; check the base out and use --against DIR`,
          },
        ]);
      }
      const out = join(dir, ...rel.split('/'));
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, data);
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    loaded: { file, dir: join(dir, ...posix.dirname(configRel).split('/')), config, runnerOptions },
    label: `git ${ref} (${commit.slice(0, 12)})`,
    cleanup,
  };
}

/** Every file a config names, with the field that names it. */
export function referencedFiles(config: TrtGateConfig): Array<{ field: string; value: string }> {
  const out: Array<{ field: string; value: string }> = [];
  config.models.forEach((model, m) => {
    out.push({ field: `models[${m}].onnx`, value: model.onnx });
    for (const [precision, variant] of Object.entries(model.variants)) {
      out.push({ field: `models[${m}].variants.${precision}`, value: variant });
    }
    model.inputs.forEach((input, i) => {
      if (input.data.type === 'file')
        out.push({ field: `models[${m}].inputs[${i}].data.path`, value: input.data.path });
    });
    if (model.calibrationCache)
      out.push({ field: `models[${m}].calibrationCache`, value: model.calibrationCache });
  });
  return out;
}

/**
 * The merge-base of a pull request's base and head commits, read with git only. Fails with a
 * UsageError saying what is missing: a shallow clone usually lacks the base commit.
 */
export async function mergeBase(cwd: string, baseSha: string, headSha: string): Promise<string> {
  for (const sha of [baseSha, headSha]) {
    if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new UsageError(`${JSON.stringify(sha)} is not a commit id`);
    const has = await git(cwd, ['cat-file', '-e', `${sha}^{commit}`]);
    if (!has.ok) {
      const shallow = (await git(cwd, ['rev-parse', '--is-shallow-repository'])).out.toString().trim();
      throw new UsageError(
        `commit ${sha.slice(0, 12)} is not in this clone${shallow === 'true' ? ' (a shallow clone: check out with fetch-depth: 0)' : ''}`,
      );
    }
  }
  const r = await git(cwd, ['merge-base', baseSha, headSha]);
  if (!r.ok) throw new UsageError(`${baseSha.slice(0, 12)} and ${headSha.slice(0, 12)} have no merge-base`);
  return r.out.toString().trim();
}
