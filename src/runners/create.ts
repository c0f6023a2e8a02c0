import { join } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { getRunnerFactory } from './registry.js';
import type { Runner } from './types.js';

/** The config's runner, its modules loaded now (see the registry). */
export function createRunner(loaded: LoadedConfig, outDir: string): Promise<Runner> {
  const type = loaded.config.runner.type;
  const factory = getRunnerFactory(type);
  if (!factory) throw new Error(`runner ${type} vanished from the registry after validation`);
  return factory.create(loaded.runnerOptions, { configDir: loaded.dir, cacheDir: join(outDir, 'cache') });
}
