import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../src/errors.js';

/**
 * onnxruntime-node and its dependency closure, cut out of package-lock.json at build time
 * (scripts/onnxruntime-lock.mjs; vitest.config.ts defines it for the tests): the Action is a bundle
 * with no node_modules, and installs this one native package, pinned, only where a job runs a model.
 */
declare const TRT_GATE_ONNXRUNTIME_NODE_LOCK: string;

const PACKAGE = 'onnxruntime-node';
/** tool-cache layout (`<RUNNER_TOOL_CACHE>/<tool>/<version>/<arch>`), which self-hosted runners keep between jobs. */
const TOOL = 'trt-gate-onnxruntime-node';
/** Written last into an install, so a directory without it (an interrupted install) is never used. */
const COMPLETE = '.trt-gate-complete';

interface Lockfile {
  packages: Record<string, { version?: string; dependencies?: Record<string, string> }>;
}

export function lockedOnnxRuntime(): { version: string; lockfile: Lockfile } {
  const lockfile = JSON.parse(TRT_GATE_ONNXRUNTIME_NODE_LOCK) as Lockfile;
  return { version: lockfile.packages[`node_modules/${PACKAGE}`]!.version!, lockfile };
}

/** Installs the locked package into an empty directory (npm ci in production; a twin in tests). */
export type Installer = (dir: string, log: (line: string) => void) => Promise<void>;

export interface OnnxRuntimeSource {
  /** The `onnxruntime-node-dir` input: a directory that holds node_modules/onnxruntime-node. */
  preinstalled?: string;
  /** Where installs persist across jobs (RUNNER_TOOL_CACHE); RUNNER_TEMP when the runner has none. */
  toolCache?: string;
  install?: Installer;
  log: (line: string) => void;
}

/** The file `import()` takes to load onnxruntime-node from an install prefix. */
function entryOf(prefix: string): string {
  return join(prefix, 'node_modules', PACKAGE, 'dist', 'index.js');
}

async function installedVersion(prefix: string): Promise<string | undefined> {
  try {
    const pkg = JSON.parse(await readFile(join(prefix, 'node_modules', PACKAGE, 'package.json'), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where onnxruntime-node is loaded from in the Action: the pre-installed directory when given
 * (checked, never written), else the runner's tool cache, installed there on first use. An install
 * goes into a sibling temporary directory and is renamed into place complete, so concurrent jobs on
 * one runner never see a half-written package; the loser of a race uses the winner's.
 */
export async function locateOnnxRuntime(source: OnnxRuntimeSource): Promise<string> {
  const { version, lockfile } = lockedOnnxRuntime();
  if (source.preinstalled) {
    const prefix = resolve(source.preinstalled);
    const found = await installedVersion(prefix);
    if (!found) {
      throw new UsageError(
        `input onnxruntime-node-dir: ${prefix} has no node_modules/${PACKAGE}; install it there with ` +
          `\`ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix ${prefix} ${PACKAGE}@${version}\``,
      );
    }
    if (found !== version)
      source.log(`trt-gate: ${prefix} holds ${PACKAGE} ${found}; this trt-gate was tested with ${version}`);
    return entryOf(prefix);
  }
  if (!source.toolCache) {
    throw new UsageError(
      `${PACKAGE} is needed to run models, and there is neither a tool cache (RUNNER_TOOL_CACHE, RUNNER_TEMP) to install it into nor an onnxruntime-node-dir input`,
    );
  }
  const prefix = join(source.toolCache, TOOL, version, `${platform()}-${arch()}`);
  if (existsSync(join(prefix, COMPLETE)) && (await installedVersion(prefix)) === version) {
    source.log(`trt-gate: ${PACKAGE} ${version} from ${prefix}`);
    return entryOf(prefix);
  }
  await mkdir(dirname(prefix), { recursive: true });
  const staging = await mkdtemp(join(dirname(prefix), `.${basename(prefix)}-`));
  try {
    await writeFile(join(staging, 'package.json'), `${JSON.stringify(lockfile.packages['']!, null, 2)}\n`);
    await writeFile(join(staging, 'package-lock.json'), `${JSON.stringify(lockfile, null, 2)}\n`);
    source.log(`trt-gate: installing ${PACKAGE} ${version} into ${prefix}`);
    await (source.install ?? npmCi())(staging, source.log);
    if ((await installedVersion(staging)) !== version || !existsSync(entryOf(staging)))
      throw new Error(`the install in ${staging} has no ${PACKAGE} ${version}`);
    await writeFile(join(staging, COMPLETE), `${version}\n`);
    if (existsSync(prefix)) {
      // Never delete a complete install: another job may be loading it. Anything else there (an
      // install interrupted by something other than this code) is moved aside in one rename.
      if (existsSync(join(prefix, COMPLETE))) return entryOf(prefix);
      await rename(prefix, `${staging}-stale`);
      await rm(`${staging}-stale`, { recursive: true, force: true });
    }
    await rename(staging, prefix).catch((error: NodeJS.ErrnoException) => {
      // Another job renamed its complete install into place first: use that one.
      if (!existsSync(join(prefix, COMPLETE))) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return entryOf(prefix);
}

/**
 * `npm ci` of the cut lockfile, with onnxruntime-node's install script told not to download CUDA
 * libraries (the CPU build ships in the package). npm is the one next to the node running the
 * Action when the runner ships it, else the one on PATH.
 */
export function npmCi(extraArgs: readonly string[] = []): Installer {
  return async (dir, log) => {
    const besideNode = join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'bin',
      'npm-cli.js',
    );
    const [file, first] = existsSync(besideNode) ? [process.execPath, [besideNode]] : ['npm', []];
    const result = await execa(
      file,
      [...first, 'ci', '--omit=dev', '--no-audit', '--no-fund', ...extraArgs],
      {
        cwd: dir,
        env: { ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_update_notifier: 'false' },
        reject: false,
        all: true,
      },
    );
    if (result.exitCode !== 0) {
      throw new UsageError(
        `installing ${PACKAGE} failed (npm ci in ${dir}, exit ${result.exitCode ?? result.signal}); on a runner ` +
          `without registry access, install it beforehand and pass its directory as onnxruntime-node-dir.\n` +
          `${String(result.all ?? result.message).slice(-2000)}`,
      );
    }
    log(
      `trt-gate: npm ci: ${
        String(result.all ?? '')
          .trim()
          .split('\n')
          .at(-1) ?? ''
      }`,
    );
  };
}
