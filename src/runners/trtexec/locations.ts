/** Where the runner finds its executables and keeps its caches; relative paths resolve against the config directory. */
import { isAbsolute, join, resolve } from 'node:path';
import type { RunnerContext } from '../types.js';
import { EngineCache } from './engine-cache.js';
import type { TrtexecOptions } from './options.js';
import { fullVersion, type TrtVersion } from './parse/version.js';

/** A bare name is looked up on PATH; anything with a slash resolves against the config directory. */
export function executablePath(p: string, context: RunnerContext): string {
  return /[/\\]/.test(p) ? resolve(context.configDir, p) : p;
}

function configPath(p: string, context: RunnerContext): string {
  return isAbsolute(p) ? p : resolve(context.configDir, p);
}

export function engineCacheFor(options: TrtexecOptions, context: RunnerContext): EngineCache | undefined {
  const o = options.engineCache;
  if (o === false) return undefined;
  return new EngineCache(o === undefined ? join(context.cacheDir, 'engines') : configPath(o, context));
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-|-$/g, '');
}

/** Default: one timing cache per TensorRT build and GPU, since tactics timed on one do not carry over. */
export function timingCachePath(
  options: TrtexecOptions,
  context: RunnerContext,
  version: TrtVersion,
  gpu: { name: string; computeCapability: string },
): string | undefined {
  const o = options.timingCache;
  if (o === false) return undefined;
  if (o !== undefined) return configPath(o, context);
  const name = `trt-${fullVersion(version)}-${slug(gpu.name)}-sm${gpu.computeCapability}.cache`;
  return join(context.cacheDir, 'timing', name);
}
