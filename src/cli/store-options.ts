import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { openStore as openStoreAt, storeConfigFrom } from '../app/open-store.js';
import { readConfigOnly } from '../app/settings.js';
import { DEFAULT_CONFIG_FILE } from '../config/load.js';
import { BaselineConfig } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { DEFAULT_NAMESPACE, type Namespace, namespaceLabel, parseNamespace } from '../store/namespace.js';
import { STORE_TYPES, type StoreConfig, type StoreType } from '../store/registry.js';
import type { BaselineStore } from '../store/types.js';
import type { CliIO } from './io.js';

export interface StoreFlags {
  config?: string;
  /** A store kind, or (for short) the directory of a filesystem store. */
  store?: string;
  storePath?: string;
  dataRemote?: string;
  dataBranch?: string;
  namespace?: string;
}

/** The store flags every command that reads or writes baselines takes (the Action's inputs, as flags). */
export function addStoreFlags(command: Command): Command {
  return command
    .option(
      '--store <kind|dir>',
      `store kind (${STORE_TYPES.join(', ')}), or a filesystem store's directory (overrides baseline.store)`,
    )
    .option(
      '--store-path <dir>',
      'filesystem: the directory; git-branch: the directory inside the data branch',
    )
    .option('--data-remote <remote>', 'git-branch: remote URL, local path or remote name (default: origin)')
    .option('--data-branch <branch>', 'git-branch: the data branch (default: trt-gate-data)')
    .option(
      '--namespace <branch>',
      `whose baselines: a branch name, or :production for releases (default: ${DEFAULT_NAMESPACE})`,
    );
}

export function addStoreOptions(command: Command): Command {
  return addStoreFlags(
    command.option(
      '-c, --config <file>',
      'config file whose `baseline:` section names the store',
      DEFAULT_CONFIG_FILE,
    ),
  );
}

export interface OpenedStore {
  store: BaselineStore | undefined;
  historySize: number;
  namespace: Namespace;
  /** e.g. `branch main in git branch trt-gate-data of … (baselines/)`. */
  label: string;
}

function isStoreType(value: string): value is StoreType {
  return (STORE_TYPES as readonly string[]).includes(value);
}

/**
 * The store the flags name, else the config's `baseline.store` (flags override its fields), scoped
 * to the namespace; plus the config's history size (the schema default without a config).
 * `--store DIR` needs no config, but honours one when it exists.
 */
export async function openStore(flags: StoreFlags, io: CliIO, required: boolean): Promise<OpenedStore> {
  const configFile = flags.config ?? DEFAULT_CONFIG_FILE;
  const explicitConfig = flags.config !== undefined && flags.config !== DEFAULT_CONFIG_FILE;
  const needsConfig = flags.store === undefined || explicitConfig;
  const config =
    needsConfig || (await fileExists(resolve(io.cwd, configFile)))
      ? await readConfigOnly(configFile, io.cwd)
      : undefined;
  const baseline = config?.baseline ?? BaselineConfig.parse({});
  const namespace = parseNamespace(flags.namespace ?? DEFAULT_NAMESPACE);

  let storeConfig: StoreConfig;
  let configDir = io.cwd;
  const overrides = { path: flags.storePath, remote: flags.dataRemote, branch: flags.dataBranch };
  if (flags.store !== undefined && !isStoreType(flags.store)) {
    storeConfig = storeConfigFrom({ ...overrides, type: 'filesystem', path: flags.store });
  } else if (flags.store !== undefined && flags.store !== baseline.store.type) {
    storeConfig = storeConfigFrom({ type: flags.store, ...overrides });
  } else {
    const { type, ...fromConfig } = baseline.store;
    storeConfig = storeConfigFrom({ type, ...fromConfig, ...defined(overrides) });
    if (config) configDir = dirname(resolve(io.cwd, configFile));
  }
  const store = openStoreAt(storeConfig, { namespace, configDir, cwd: io.cwd, configFile });
  if (!store && required) {
    throw new UsageError(
      `${configFile}: baseline.store is "none"; set baseline.store (or pass --store KIND or --store DIR)`,
    );
  }
  const label = store ? `${namespaceLabel(namespace)} in ${store.description}` : 'no store';
  return { store, historySize: baseline.historySize, namespace, label };
}

async function fileExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
