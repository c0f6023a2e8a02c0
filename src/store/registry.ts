import { isAbsolute, resolve } from 'node:path';
import { BaselineConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { FilesystemBaselineStore } from './filesystem-store.js';
import { createGitBranchStore } from './git-branch-store.js';
import { type Namespace, namespacePath } from './namespace.js';
import type { BaselineStore } from './types.js';

export type StoreConfig = BaselineConfig['store'];
export type StoreType = StoreConfig['type'];

/** Every `baseline.store.type` (and CLI `--store KIND`, Action `store:` input, which drop `none`). */
export const STORE_TYPES = BaselineConfig.shape.store.unwrap().options.map((o) => o.shape.type.value);

export interface StoreFactoryContext {
  /** Directory of the config file: relative store paths resolve against it. */
  configDir: string;
  /** Working directory, for a relative configDir. */
  cwd: string;
  /** The config file as the user named it, for error messages. */
  configFile?: string;
  /** Which baselines inside the store (see namespace.ts): every store keeps them apart the same way. */
  namespace: Namespace;
  /**
   * `http.<url>.extraheader` values for a git remote (the Action's token); when absent, a
   * git-branch store reuses the credentials of the checkout at configDir.
   */
  extraHeaders?: Record<string, string>;
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
  filesystem: (config, context) =>
    new FilesystemBaselineStore(resolveStorePath(config.path, context), {
      namespace: namespacePath(context.namespace),
    }),
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
