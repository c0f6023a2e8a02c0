import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { zodIssues } from '../src/config/issues.js';
import { type LoadedConfig, loadConfig, parseConfig } from '../src/config/load.js';
import { type GateConfig, ThresholdSpec, type TrtGateConfig, type Verdict } from '../src/config/schema.js';
import { ConfigError } from '../src/errors.js';
import { type BaselineLookup, compareResults, type GateSettings } from '../src/gate/gate.js';
import type { Results } from '../src/results/schema.js';
import type { BaselineStore } from '../src/store/types.js';

export interface Settings {
  configFile: string;
  config: TrtGateConfig;
  gate: GateSettings;
}

/**
 * The config (from the trusted checkout, never from an artifact) and the gate settings:
 * thresholds from the config (for release mode, overlaid with `release-thresholds`), failOn from
 * the `fail-on` input or the config. `runnable` loads it for running the benchmark (every model
 * file must exist); otherwise only the text is validated, so a reporting job needs no models.
 */
export async function loadSettings(options: {
  configFile: string;
  runnable: boolean;
  failOn?: Verdict[];
  releaseThresholds?: string;
  cwd: string;
}): Promise<{ settings: Settings; loaded?: LoadedConfig }> {
  const file = options.configFile;
  let loaded: LoadedConfig | undefined;
  let config: TrtGateConfig;
  if (options.runnable) {
    loaded = await loadConfig(file);
    config = loaded.config;
  } else {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigError([{ file, path: '', message: `cannot read config: ${(error as Error).message}` }]);
    }
    config = parseConfig(text, file).config;
  }
  let thresholds = config.thresholds;
  if (options.releaseThresholds) {
    thresholds = { ...thresholds, ...(await parseReleaseThresholds(options.releaseThresholds, options.cwd)) };
  }
  const gate: GateConfig = { ...config.gate, failOn: options.failOn ?? config.gate.failOn };
  return { settings: { configFile: file, config, gate: { thresholds, gate } }, loaded };
}

const ThresholdMap = z.record(z.string(), ThresholdSpec);

/**
 * `release-thresholds`: a YAML/JSON file (path relative to the workspace) or an inline YAML/JSON
 * mapping of metric → threshold, in the config's `thresholds:` format.
 */
export async function parseReleaseThresholds(
  value: string,
  cwd: string,
): Promise<Record<string, ThresholdSpec>> {
  const inline = /[:{]/.test(value) && (value.includes('\n') || value.trim().startsWith('{'));
  const file = inline ? 'input release-thresholds' : resolve(cwd, value);
  let text = value;
  if (!inline) {
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigError([
        { file, path: '', message: `cannot read release thresholds: ${(error as Error).message}` },
      ]);
    }
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError([
      { file, path: '', message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` },
    ]);
  }
  // Accept either the mapping itself or a document with a top-level `thresholds:`.
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'thresholds' in raw) {
    raw = (raw as { thresholds: unknown }).thresholds;
  }
  const parsed = ThresholdMap.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(zodIssues(file, parsed.error));
  return parsed.data;
}

/** A gate lookup over a store: the key's history, or (without one) the keys it nearly matches. */
export function storeLookup(store: BaselineStore): BaselineLookup {
  return async (key) => {
    const history = await store.read(key);
    if (history && history.runs.length > 0) return { history, similar: [] };
    return { similar: await store.findSimilar(key) };
  };
}

/** The candidate with its comparisons and gate outcome filled in. */
export async function gateAgainstStore(
  candidate: Results,
  store: BaselineStore | undefined,
  settings: GateSettings,
): Promise<Results> {
  const lookup: BaselineLookup = store ? storeLookup(store) : async () => ({ similar: [] });
  const { comparisons, gate } = await compareResults(candidate, lookup, settings);
  return { ...candidate, comparisons, gate };
}
