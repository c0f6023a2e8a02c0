import { BaselineConfig } from '../config/schema.js';
import { UsageError } from '../errors.js';
import type { Namespace } from '../store/namespace.js';
import { createBaselineStore, type StoreConfig, type StoreType } from '../store/registry.js';
import type { BaselineStore } from '../store/types.js';

/** A store named by flags or inputs rather than a config file: a kind and what overrides its defaults. */
export interface StoreSpec {
  type: StoreType;
  /** filesystem: the directory; git-branch: the directory inside the branch. */
  path?: string;
  /** git-branch: the remote (URL, local path or remote name). */
  remote?: string;
  /** git-branch: the data branch. */
  branch?: string;
}

/** The store config a spec stands for, every default taken from the config schema (one definition). */
export function storeConfigFrom(spec: StoreSpec, what = '--store'): StoreConfig {
  const fields: Record<string, unknown> = { type: spec.type };
  if (spec.path !== undefined) fields.path = spec.path;
  if (spec.type === 'git-branch') {
    if (spec.remote !== undefined) fields.remote = spec.remote;
    if (spec.branch !== undefined) fields.branch = spec.branch;
  } else if (spec.remote !== undefined || spec.branch !== undefined) {
    throw new UsageError(`${what} ${spec.type}: a data remote or branch only applies to a git-branch store`);
  }
  if (spec.type === 'none' && spec.path !== undefined) {
    throw new UsageError(`${what} none: a store path makes no sense without a store`);
  }
  const parsed = BaselineConfig.shape.store.safeParse(fields);
  if (!parsed.success) {
    throw new UsageError(`${what} ${spec.type}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return parsed.data;
}

export interface OpenStoreOptions {
  namespace: Namespace;
  /** Relative store paths resolve against this directory (the config file's, or the workspace). */
  configDir: string;
  cwd: string;
  /** The config file as the user named it, for messages. */
  configFile?: string;
  /** Credentials for a git remote (the Action's token), kept out of argv. */
  extraHeaders?: Record<string, string>;
}

/** Opens the store (through the store registry) scoped to one namespace; `undefined` for `none`. */
export function openStore(config: StoreConfig, options: OpenStoreOptions): BaselineStore | undefined {
  return createBaselineStore(config, options);
}
