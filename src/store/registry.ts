import { isAbsolute, resolve } from 'node:path';
import type { BaselineConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { FilesystemBaselineStore } from './filesystem-store.js';
import { createGitBranchStore } from './git-branch-store.js';
import type { BaselineStore } from './types.js';

export type StoreConfig = BaselineConfig['store'];
export type StoreType = StoreConfig['type'];

export interface StoreFactoryContext {
  /** Directory of the config file: relative store paths resolve against it. */
  configDir: string;
  /** Working directory, for a relative configDir. */
  cwd: string;
  /** The config file, for error messages. */
  configFile?: string;
}

/** Builds a store from its config; `undefined` means "no store" (type `none`). */
export type StoreFactory<T extends StoreType = StoreType> = (
  config: Extract<StoreConfig, { type: T }>,
  context: StoreFactoryContext,
) => BaselineStore | undefined;

/** A store path from the config, resolved against the config file's directory. */
export function resolveStorePath(path: string, context: StoreFactoryContext): string {
  return isAbsolute(path) ? path : resolve(context.cwd, context.configDir, path);
}

/**
 * One entry per `baseline.store.type`. Adding a store (e.g. `git-branch`) is one entry here;
 * the mapped type checks the factory against that type's config.
 */
export const STORE_FACTORIES: { readonly [T in StoreType]?: StoreFactory<T> } = {
  filesystem: (config, context) => new FilesystemBaselineStore(resolveStorePath(config.path, context)),
  'git-branch': createGitBranchStore,
  none: () => undefined,
};

export function createBaselineStore(
  config: StoreConfig,
  context: StoreFactoryContext,
): BaselineStore | undefined {
  const factory = STORE_FACTORIES[config.type] as StoreFactory | undefined;
  if (!factory) {
    const known = Object.keys(STORE_FACTORIES).join(', ');
    throw new ConfigError([
      {
        file: context.configFile ?? resolve(context.cwd, context.configDir),
        path: 'baseline.store.type',
        message: `store type "${config.type}" is not supported by this trt-gate (supported: ${known})`,
      },
    ]);
  }
  return factory(config, context);
}
