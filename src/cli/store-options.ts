import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { BaselineConfig } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { createBaselineStore } from '../store/registry.js';
import type { BaselineStore } from '../store/types.js';
import type { CliIO } from './io.js';

export interface StoreFlags {
  config?: string;
  store?: string;
}

export function addStoreOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'config file whose `baseline:` section names the store', 'trt-gate.yml')
    .option('--store <dir>', 'a filesystem store directory (overrides the config)');
}

/** The store named by --store, else by the config's `baseline.store`; plus its history size. */
export async function openStore(
  flags: StoreFlags,
  io: CliIO,
  required: boolean,
): Promise<{ store: BaselineStore | undefined; historySize: number }> {
  if (flags.store) {
    const baseline = BaselineConfig.parse({ store: { type: 'filesystem', path: flags.store } });
    const store = createBaselineStore(baseline.store, { configDir: io.cwd, cwd: io.cwd });
    return { store, historySize: baseline.historySize };
  }
  const file = resolve(io.cwd, flags.config ?? 'trt-gate.yml');
  const loaded = await loadConfig(file);
  const store = createBaselineStore(loaded.config.baseline.store, {
    configDir: loaded.dir,
    cwd: io.cwd,
    configFile: loaded.file,
  });
  if (!store && required) {
    throw new UsageError(`${file}: baseline.store is "none"; set baseline.store (or pass --store DIR)`);
  }
  return { store, historySize: loaded.config.baseline.historySize };
}
