import { access } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, formatIssue, type Issue } from '../errors.js';
import { METRICS, unknownMetrics } from '../gate/metrics.js';
import { getRunnerFactory, runnerTypes } from '../runners/registry.js';
import { readBounded } from '../util/fs-errors.js';
import { zodIssues } from './issues.js';
import { TrtGateConfig } from './schema.js';

/** A config is a page of YAML; a larger file (a 50 MB string) is refused before it is parsed. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Aliases expanded while loading; a few dozen is generous, exponential expansion needs many. */
const MAX_ALIAS_COUNT = 100;
/**
 * Elements per input tensor (2^28: 1 GiB of float32). Inputs are generated and held in memory per
 * sample; a shape like [100000000, 64] would exhaust memory before any message could be printed.
 */
export const MAX_INPUT_ELEMENTS = 2 ** 28;

export interface LoadedConfig {
  /** Path of the config file as given (for messages). */
  file: string;
  /** Directory relative paths in the config resolve against. */
  dir: string;
  config: TrtGateConfig;
  /** `runner:` validated by the runner's own schema. */
  runnerOptions: unknown;
}

export const DEFAULT_CONFIG_FILE = 'trt-gate.yml';

/**
 * Runners check their options where they run (a TensorRT version, a CPU mask) and report problems
 * against DEFAULT_CONFIG_FILE, not knowing which file the user passed; the pipeline renames them
 * here so that every config error names the file given (`--config ci/x.yml`).
 */
export function namingConfigFile(error: unknown, file: string): unknown {
  if (!(error instanceof ConfigError) || file === DEFAULT_CONFIG_FILE) return error;
  // Renamed in place: subclasses (e.g. an unsupported trtexec option) keep their type.
  for (const issue of error.issues) if (issue.file === DEFAULT_CONFIG_FILE) issue.file = file;
  error.message = error.issues.map(formatIssue).join('\n');
  return error;
}

/** Parses and validates config text; pure apart from the runner registry lookup. */
export function parseConfig(text: string, file: string): { config: TrtGateConfig; runnerOptions: unknown } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          file,
          path: '',
          message: `YAML syntax error at line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}`,
        };
      }),
    );
  }
  let raw: unknown;
  try {
    // yaml refuses alias expansion past maxAliasCount (a "billion laughs" document) by throwing.
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    throw new ConfigError([{ file, path: '', message: `cannot load YAML: ${(error as Error).message}` }]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError([
      { file, path: '', message: 'expected a mapping at the top level (models:, runner:, …)' },
    ]);
  }
  const parsed = TrtGateConfig.safeParse(raw);
  if (!parsed.success) throw new ConfigError(zodIssues(file, parsed.error));
  const config = parsed.data;
  const issues: Issue[] = semanticIssues(config, file);

  const { type, ...options } = config.runner;
  const factory = getRunnerFactory(type);
  let runnerOptions: unknown;
  if (!factory) {
    issues.push({
      file,
      path: 'runner.type',
      message: `unknown runner "${type}"; expected one of ${runnerTypes().join(', ')}`,
    });
  } else {
    const result = factory.optionsSchema.safeParse(options);
    if (!result.success) issues.push(...zodIssues(file, result.error, ['runner']));
    else {
      runnerOptions = result.data;
      issues.push(...(factory.checkConfig?.(config, result.data) ?? []).map((i) => ({ file, ...i })));
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { config, runnerOptions };
}

function semanticIssues(config: TrtGateConfig, file: string): Issue[] {
  const issues: Issue[] = unknownMetrics(Object.keys(config.thresholds)).map((name) => ({
    file,
    path: `thresholds.${name}`,
    message: `unknown metric; expected one of ${[...METRICS.keys()].join(', ')}`,
  }));
  const batchSizes = config.benchmark.batchSizes;
  if (new Set(batchSizes).size !== batchSizes.length) {
    // Each batch size is an entry id (model/precision/bN): a repeat would give two entries one id.
    issues.push({ file, path: 'benchmark.batchSizes', message: 'expected each batch size at most once' });
  }
  const seen = new Map<string, number>();
  config.models.forEach((model, m) => {
    const first = seen.get(model.name);
    if (first !== undefined) {
      issues.push({
        file,
        path: `models[${m}].name`,
        message: `duplicate model name "${model.name}" (also models[${first}])`,
      });
    } else seen.set(model.name, m);
    if (new Set(model.precisions).size !== model.precisions.length) {
      issues.push({ file, path: `models[${m}].precisions`, message: 'expected each precision at most once' });
    }
    for (const precision of Object.keys(model.variants)) {
      if (!model.precisions.includes(precision as never)) {
        issues.push({
          file,
          path: `models[${m}].variants.${precision}`,
          message: `precision ${precision} is not in precisions [${model.precisions.join(', ')}]`,
        });
      }
    }
    const names = new Set<string>();
    model.inputs.forEach((input, i) => {
      const where = `models[${m}].inputs[${i}]`;
      const elements = input.shape.reduce((n, d) => n * d, 1);
      if (elements > MAX_INPUT_ELEMENTS) {
        issues.push({
          file,
          path: `${where}.shape`,
          message: `[${input.shape.join(', ')}] is ${elements.toExponential(2)} elements; at most ${MAX_INPUT_ELEMENTS} (2^28) per input`,
        });
      }
      if (names.has(input.name))
        issues.push({ file, path: `${where}.name`, message: `duplicate input name "${input.name}"` });
      names.add(input.name);
      if (input.data.type === 'random' && input.data.min > input.data.max) {
        issues.push({
          file,
          path: `${where}.data.min`,
          message: `expected min <= max (got ${input.data.min} > ${input.data.max})`,
        });
      }
      if (input.profile) {
        for (const bound of ['min', 'opt', 'max'] as const) {
          if (input.profile[bound].length !== input.shape.length) {
            issues.push({
              file,
              path: `${where}.profile.${bound}`,
              message: `expected ${input.shape.length} dimensions like shape, got ${input.profile[bound].length}`,
            });
          }
        }
      }
    });
  });
  return issues;
}

/**
 * Reads, parses and validates a config file, and checks that every file it names exists. `file` is
 * the path as the user gave it (messages name it so), resolved against `cwd`.
 */
export async function loadConfig(file: string, cwd = process.cwd()): Promise<LoadedConfig> {
  let text: string;
  const path = resolve(cwd, file);
  try {
    text = await readBounded(path, MAX_CONFIG_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError([{ file, path: '', message: `cannot read config: ${why}` }]);
  }
  const { config, runnerOptions } = parseConfig(text, file);
  const dir = dirname(path);
  const issues = await missingFiles(config, file, dir);
  if (issues.length > 0) throw new ConfigError(issues);
  return { file, dir, config, runnerOptions };
}

export function resolveFrom(dir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dir, path);
}

async function missingFiles(config: TrtGateConfig, file: string, dir: string): Promise<Issue[]> {
  const wanted: Array<{ path: string; value: string; what: string }> = [];
  config.models.forEach((model, m) => {
    wanted.push({ path: `models[${m}].onnx`, value: model.onnx, what: 'ONNX model' });
    for (const [precision, variant] of Object.entries(model.variants)) {
      wanted.push({ path: `models[${m}].variants.${precision}`, value: variant, what: 'ONNX model' });
    }
    model.inputs.forEach((input, i) => {
      if (input.data.type === 'file') {
        wanted.push({
          path: `models[${m}].inputs[${i}].data.path`,
          value: input.data.path,
          what: 'input data file',
        });
      }
    });
    // With `calibration`, trt-gate makes the cache itself: it need not exist yet.
    if (model.calibrationCache && !model.calibration) {
      wanted.push({
        path: `models[${m}].calibrationCache`,
        value: model.calibrationCache,
        what: 'calibration cache',
      });
    }
  });
  const issues: Issue[] = [];
  for (const w of wanted) {
    const full = resolveFrom(dir, w.value);
    try {
      await access(full);
    } catch {
      issues.push({ file, path: w.path, message: `${w.what} not found: ${full}` });
    }
  }
  return issues;
}
