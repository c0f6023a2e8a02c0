import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { zodIssues } from '../config/issues.js';
import { type LoadedConfig, loadConfig, MAX_CONFIG_BYTES, parseConfig } from '../config/load.js';
import { type GateConfig, ThresholdSpec, type TrtGateConfig, Verdict } from '../config/schema.js';
import { ConfigError, UsageError } from '../errors.js';
import type { GateSettings } from '../gate/compare-results.js';
import { readBounded } from '../util/fs-errors.js';

/** The config a use case runs with and the gate settings derived from it. */
export interface Settings {
  /** The config file as the user named it (messages name it so). */
  configFile: string;
  config: TrtGateConfig;
  gate: GateSettings;
}

/** A list of verdicts, separated by commas and/or white space; unknown words are returned apart. */
export function splitVerdicts(text: string): { verdicts: Verdict[]; unknown: string[] } {
  const verdicts: Verdict[] = [];
  const unknown: string[] = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const parsed = Verdict.safeParse(part);
    if (parsed.success) verdicts.push(parsed.data);
    else unknown.push(part);
  }
  return { verdicts, unknown };
}

/** `--fail-on` / the `fail-on` input: the one parser (what is the flag or input called: `what`). */
export function parseFailOn(text: string, what = '--fail-on'): Verdict[] {
  const { verdicts, unknown } = splitVerdicts(text);
  if (unknown.length > 0) {
    throw new UsageError(
      `${what}: unknown verdict${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => JSON.stringify(u)).join(', ')} ` +
        `(expected verdicts among ${Verdict.options.join(', ')})`,
    );
  }
  return verdicts;
}

/** Reads and validates a config's text only (no model files needed): for jobs that run nothing. */
export async function readConfigOnly(file: string, cwd: string): Promise<TrtGateConfig> {
  let text: string;
  try {
    text = await readBounded(resolve(cwd, file), MAX_CONFIG_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError([{ file, path: '', message: `cannot read config: ${why}` }]);
  }
  return parseConfig(text, file).config;
}

/**
 * The config (from the trusted checkout, never from an artifact) and the gate settings:
 * thresholds from the config (overlaid with release thresholds where given), failOn from the
 * caller (flag or input) or the config. `runnable` loads it for running the benchmark (every
 * model file must exist); otherwise only the text is validated, so a reporting job needs no models.
 */
export async function loadSettings(options: {
  /** As the user named it; relative to `cwd`. */
  configFile: string;
  cwd: string;
  runnable: boolean;
  failOn?: Verdict[];
  releaseThresholds?: string;
}): Promise<{ settings: Settings; loaded?: LoadedConfig }> {
  const file = options.configFile;
  let loaded: LoadedConfig | undefined;
  let config: TrtGateConfig;
  if (options.runnable) {
    loaded = await loadConfig(file, options.cwd);
    config = loaded.config;
  } else {
    config = await readConfigOnly(file, options.cwd);
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
 * Release thresholds: a YAML/JSON file (path relative to `cwd`) or an inline YAML/JSON mapping of
 * metric → threshold, in the config's `thresholds:` format.
 */
export async function parseReleaseThresholds(
  value: string,
  cwd: string,
): Promise<Record<string, ThresholdSpec>> {
  const inline = /[:{]/.test(value) && (value.includes('\n') || value.trim().startsWith('{'));
  const file = inline ? 'input release-thresholds' : value;
  let text = value;
  if (!inline) {
    try {
      text = await readFile(resolve(cwd, value), 'utf8');
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
