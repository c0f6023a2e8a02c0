/**
 * Built engines kept between runs. An engine is reused only when everything that shapes it is the same:
 *   sha256 of the ONNX file (and of the INT8 calibration cache, if any)
 *   + the build argv with output paths removed (precision, shapes, workspace, optimisation level, extra flags)
 *   + the TensorRT version (with build tag) + GPU name + compute capability.
 * The timing cache file is left out of the key: it speeds up builds but does not decide what is built.
 *
 * Layout of the cache directory: `<key>.engine`, `<key>.json` (written last: its presence marks a complete
 * entry) and `<key>.build.log`.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomically } from '../../util/atomic-write.js';
import { sha256Json } from '../../util/hash.js';
import { flagName } from './parse/cli-values.js';

/** Flags whose value is a path trt-gate chose: not part of what the engine is. */
const PATH_FLAGS = new Set(['onnx', 'saveEngine', 'timingCacheFile', 'exportLayerInfo', 'calib']);

/** Build argv without output/input paths; `--calib=<file>` becomes `--calib=sha256:<hash>`. */
export function normalizeBuildArgs(args: string[], calibSha256?: string): string[] {
  return args.flatMap((arg) => {
    const name = flagName(arg);
    if (name === 'calib') return calibSha256 ? [`--calib=sha256:${calibSha256}`] : [];
    return PATH_FLAGS.has(name) ? [] : [arg];
  });
}

export interface EngineKeyParts {
  onnxSha256: string;
  calibSha256?: string;
  buildArgs: string[];
  /** e.g. `10.3.0` or `10.6.0+b26`. */
  tensorrt: string;
  gpuName: string;
  computeCapability: string;
}

export function engineCacheKey(parts: EngineKeyParts): string {
  return sha256Json({ v: 1, ...parts }, 32);
}

export interface CacheMeta {
  key: string;
  createdAt: string;
  parts: EngineKeyParts;
  engineBytes: number;
  timeMs: number;
  details: Record<string, unknown>;
}

export class EngineCache {
  constructor(readonly dir: string) {}

  paths(key: string) {
    return {
      engine: join(this.dir, `${key}.engine`),
      meta: join(this.dir, `${key}.json`),
      log: join(this.dir, `${key}.build.log`),
    };
  }

  /** A temporary path for a build in progress, in the cache directory (so the final rename is atomic). */
  async tempEnginePath(label: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const safe = label.replace(/[^A-Za-z0-9._-]/g, '_');
    return join(this.dir, `.tmp-${safe}-${process.pid}-${Math.random().toString(36).slice(2, 10)}.engine`);
  }

  /** The cached entry, when complete and intact (engine size matches what was recorded). */
  async lookup(key: string): Promise<CacheMeta | undefined> {
    const p = this.paths(key);
    let meta: CacheMeta;
    try {
      meta = JSON.parse(await readFile(p.meta, 'utf8')) as CacheMeta;
    } catch {
      return undefined;
    }
    try {
      const size = (await stat(p.engine)).size;
      if (meta.key !== key || size !== meta.engineBytes) return undefined;
    } catch {
      return undefined;
    }
    return meta;
  }

  /** Moves a freshly built engine into the cache and records its metadata. */
  async store(
    key: string,
    builtEngine: string,
    meta: Omit<CacheMeta, 'key' | 'createdAt' | 'engineBytes'>,
    log: string,
  ) {
    const p = this.paths(key);
    await rm(p.meta, { force: true });
    await rename(builtEngine, p.engine);
    await writeFile(p.log, log);
    const full: CacheMeta = {
      key,
      createdAt: new Date().toISOString(),
      engineBytes: (await stat(p.engine)).size,
      ...meta,
    };
    await writeJsonAtomically(p.meta, full);
    return full;
  }
}
