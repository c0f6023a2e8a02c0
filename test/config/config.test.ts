import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { DEFAULT_THRESHOLDS, ThresholdSpec } from '../../src/config/schema.js';
import { ConfigError, type Issue } from '../../src/errors.js';
import { REPO_ROOT } from '../helpers/tiny-config.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'configs');
const FILE = 'cfg.yml';

/** A valid single-model config, with `models:` entries replaceable. */
function modelsYaml(...models: string[]): string {
  return `models:\n${models.join('')}`;
}

const MODEL_A = `  - name: a
    onnx: a.onnx
    inputs: [{ name: x, shape: [1, 3] }]
`;

/** The issues of the ConfigError `fn` throws (fails the test if it throws anything else). */
function issuesOf(fn: () => unknown): Issue[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

async function asyncIssuesOf(promise: Promise<unknown>): Promise<Issue[]> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('parseConfig: valid configs', () => {
  it('fills every default into a minimal config', () => {
    const { config, runnerOptions } = parseConfig(modelsYaml(MODEL_A), FILE);
    expect(config.version).toBe(1);
    expect(config.runner).toEqual({ type: 'onnxruntime' });
    const model = config.models[0]!;
    expect(model.precisions).toEqual(['fp32']);
    expect(model.variants).toEqual({});
    expect(model.inputs[0]).toEqual({
      name: 'x',
      shape: [1, 3],
      dtype: 'float32',
      data: { type: 'random', seed: 0, distribution: 'uniform', min: 0, max: 1, mean: 0, std: 1 },
    });
    expect(config.benchmark).toEqual({
      warmup: 20,
      iterations: 100,
      minDurationMs: 0,
      trials: 10,
      batchSizes: [],
    });
    expect(config.accuracy).toEqual({
      enabled: true,
      reference: 'onnxruntime-fp32',
      samples: 16,
      limits: {
        default: { cosine: { min: 0.999 }, top1Agreement: { min: 0.99 } },
        int8: { cosine: { min: 0.99 }, top1Agreement: { min: 0.9 } },
      },
    });
    expect(config.baseline).toEqual({ store: { type: 'none' }, historySize: 30, save: false });
    expect(config.gate).toEqual({ failOn: ['regressed', 'failed'], maxRerunTrials: 0 });
    // The runner's own schema fills its defaults too.
    expect(runnerOptions).toEqual({
      executionProvider: 'cpu',
      providerOptions: {},
      graphOptimizationLevel: 'all',
      intraOpThreads: 1,
      interOpThreads: 1,
      executionMode: 'sequential',
    });
  });

  it('uses DEFAULT_THRESHOLDS when none are given', () => {
    const { config } = parseConfig(modelsYaml(MODEL_A), FILE);
    const expected = Object.fromEntries(
      Object.entries(DEFAULT_THRESHOLDS).map(([k, v]) => [k, ThresholdSpec.parse(v)]),
    );
    expect(config.thresholds).toEqual(expected);
    expect(config.thresholds['latency.p50']).toEqual({
      model: 'statistical',
      minEffectPct: 5,
      confidence: 0.99,
      resamples: 2000,
      assumedRunNoisePct: 5,
    });
  });

  it('merges accuracy limits over the defaults per precision key, and refuses min > max', () => {
    const text = `${modelsYaml(MODEL_A)}accuracy:
  limits:
    int8: { cosine: { min: 0.95 } }
`;
    const { config } = parseConfig(text, FILE);
    expect(config.accuracy.limits.int8).toEqual({ cosine: { min: 0.95 } });
    expect(config.accuracy.limits.default).toEqual({ cosine: { min: 0.999 }, top1Agreement: { min: 0.99 } });
    const bad = `${modelsYaml(MODEL_A)}accuracy:
  limits:
    default: { cosine: { min: 0.9, max: 0.5 } }
`;
    expect(() => parseConfig(bad, FILE)).toThrow(/accuracy\.limits\.default\.cosine: expected min <= max/);
  });

  it('merges user thresholds over DEFAULT_THRESHOLDS (user wins, others kept, new keys added)', () => {
    const text = `${modelsYaml(MODEL_A)}thresholds:
  latency.p50: { model: percentage, maxRegressionPct: 3 }
  accuracy.cosine: { model: static, min: 0.99 }
`;
    const { config } = parseConfig(text, FILE);
    expect(config.thresholds['latency.p50']).toEqual({ model: 'percentage', maxRegressionPct: 3 });
    expect(config.thresholds['accuracy.cosine']).toEqual({ model: 'static', min: 0.99 });
    // Untouched defaults are still there, with their own defaults filled in.
    expect(config.thresholds.throughput).toBeUndefined();
    expect(config.thresholds['build.artifactBytes']).toEqual({ model: 'percentage', maxRegressionPct: 10 });
    expect(config.thresholds['latency.p99']).toBeUndefined();
    expect(Object.keys(config.thresholds).sort()).toEqual(
      [...Object.keys(DEFAULT_THRESHOLDS), 'accuracy.cosine'].sort(),
    );
  });

  it('accepts reduced precisions that have a variant file', () => {
    const text = modelsYaml(`  - name: a
    onnx: a.onnx
    precisions: [fp32, fp16, int8]
    variants: { fp16: a16.onnx, int8: a8.onnx }
    inputs: [{ name: x, shape: [1, 3] }]
`);
    const { config } = parseConfig(text, FILE);
    expect(config.models[0]!.variants).toEqual({ fp16: 'a16.onnx', int8: 'a8.onnx' });
  });
});

describe('parseConfig: one message per problem, naming file, path and expectation', () => {
  it('reports a wrong type at its path', () => {
    const issues = issuesOf(() =>
      parseConfig(
        modelsYaml(MODEL_A, `  - name: b\n    onnx: b.onnx\n    inputs: [{ name: y, shape: "1x3" }]\n`),
        FILE,
      ),
    );
    expect(issues).toEqual([
      { file: FILE, path: 'models[1].inputs[0].shape', message: expect.stringMatching(/expected array/) },
    ]);
  });

  it('reports a negative dimension at its path', () => {
    const issues = issuesOf(() =>
      parseConfig(
        modelsYaml(MODEL_A, `  - name: b\n    onnx: b.onnx\n    inputs: [{ name: y, shape: [1, -3] }]\n`),
        FILE,
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.file).toBe(FILE);
    expect(issues[0]!.path).toBe('models[1].inputs[0].shape[1]');
    expect(issues[0]!.message).toMatch(/>\s*0/);
  });

  it('reports an unknown field (strict objects) by name', () => {
    const issues = issuesOf(() =>
      parseConfig(
        modelsYaml(
          `  - name: a\n    onnx: a.onnx\n    onxx: typo.onnx\n    inputs: [{ name: x, shape: [1, 3] }]\n`,
        ),
        FILE,
      ),
    );
    expect(issues).toEqual([{ file: FILE, path: 'models[0]', message: 'unknown field "onxx"' }]);
  });

  it('reports an unknown top-level field', () => {
    const issues = issuesOf(() => parseConfig(`${modelsYaml(MODEL_A)}benchmarks: { trials: 2 }\n`, FILE));
    expect(issues).toEqual([{ file: FILE, path: '', message: 'unknown field "benchmarks"' }]);
  });

  it('reports an unknown precision with the allowed values', () => {
    const issues = issuesOf(() =>
      parseConfig(
        modelsYaml(
          `  - name: a\n    onnx: a.onnx\n    precisions: [fp32, fp8]\n    inputs: [{ name: x, shape: [1] }]\n`,
        ),
        FILE,
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: FILE, path: 'models[0].precisions[1]' });
    for (const p of ['fp32', 'fp16', 'bf16', 'int8']) expect(issues[0]!.message).toContain(p);
  });

  it('reports every problem of a file at once (fixture with four problems)', async () => {
    const file = join(FIXTURES, 'many-problems.yml');
    const issues = await asyncIssuesOf(loadConfig(file));
    expect(issues.map((i) => i.path)).toEqual([
      'models[1].precisions[1]',
      'models[1].inputs[0].shape[1]',
      'models[1].inputs[0].shape[2]',
      'models[1].inputs[0]',
    ]);
    for (const issue of issues) expect(issue.file).toBe(file);
    expect(issues[2]!.message).toMatch(/expected number, received string/);
    expect(issues[3]!.message).toBe('unknown field "colour"');
  });

  it('reports an unknown runner type with the known ones', () => {
    const issues = issuesOf(() => parseConfig(`runner: { type: tensorflow }\n${modelsYaml(MODEL_A)}`, FILE));
    expect(issues).toEqual([
      {
        file: FILE,
        path: 'runner.type',
        message: expect.stringMatching(/unknown runner "tensorflow".*onnxruntime/),
      },
    ]);
  });

  it("validates runner options with the runner's own schema, under runner.", () => {
    const issues = issuesOf(() =>
      parseConfig(
        `runner: { type: onnxruntime, executionProvider: gpu, threads: 4 }\n${modelsYaml(MODEL_A)}`,
        FILE,
      ),
    );
    expect(issues).toEqual([
      { file: FILE, path: 'runner.executionProvider', message: expect.stringContaining('"cpu"') },
      { file: FILE, path: 'runner', message: 'unknown field "threads"' },
    ]);
  });

  it('reports duplicate model names, pointing at the first', () => {
    const issues = issuesOf(() =>
      parseConfig(modelsYaml(MODEL_A, MODEL_A.replace('a.onnx', 'b.onnx')), FILE),
    );
    expect(issues).toEqual([
      { file: FILE, path: 'models[1].name', message: 'duplicate model name "a" (also models[0])' },
    ]);
  });

  it('reports a variant for a precision that is not listed', () => {
    const issues = issuesOf(() =>
      parseConfig(
        modelsYaml(
          `  - name: a\n    onnx: a.onnx\n    variants: { int8: q.onnx }\n    inputs: [{ name: x, shape: [1] }]\n`,
        ),
        FILE,
      ),
    );
    expect(issues).toEqual([
      { file: FILE, path: 'models[0].variants.int8', message: 'precision int8 is not in precisions [fp32]' },
    ]);
  });

  it('the onnxruntime runner refuses fp16 without a variant file', () => {
    const issues = issuesOf(() =>
      parseConfig(
        modelsYaml(
          MODEL_A,
          `  - name: b\n    onnx: b.onnx\n    precisions: [fp32, fp16]\n    inputs: [{ name: x, shape: [1] }]\n`,
        ),
        FILE,
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: FILE, path: 'models[1].variants.fp16' });
    expect(issues[0]!.message).toMatch(/onnxruntime runner needs an ONNX file for precision fp16/);
  });

  it('reports several semantic problems in one go', () => {
    const text = modelsYaml(
      MODEL_A,
      `  - name: a
    onnx: b.onnx
    precisions: [fp32, fp32]
    inputs:
      - { name: x, shape: [1, 3], data: { type: random, min: 2, max: 1 } }
      - { name: x, shape: [1, 3], profile: { min: [1], opt: [1, 3], max: [1, 3] } }
`,
    );
    const issues = issuesOf(() => parseConfig(text, FILE));
    expect(issues.map((i) => i.path)).toEqual([
      'models[1].name',
      'models[1].precisions',
      'models[1].inputs[0].data.min',
      'models[1].inputs[1].name',
      'models[1].inputs[1].profile.min',
    ]);
  });

  it('reports a repeated batch size (it would give two entries the same id)', () => {
    const issues = issuesOf(() =>
      parseConfig(`${modelsYaml(MODEL_A)}benchmark: { batchSizes: [1, 4, 1] }\n`, FILE),
    );
    expect(issues).toEqual([
      { file: FILE, path: 'benchmark.batchSizes', message: 'expected each batch size at most once' },
    ]);
  });

  it('reports a YAML syntax error with its line number', () => {
    const issues = issuesOf(() =>
      parseConfig('models:\n  - name: a\n    onnx: a.onnx\n   inputs: oops\n', FILE),
    );
    expect(issues.length).toBeGreaterThanOrEqual(1);
    expect(issues[0]!.file).toBe(FILE);
    expect(issues[0]!.message).toMatch(/^YAML syntax error at line 4, column \d+: /);
  });

  it('reports a YAML syntax error in a file with file name and line', async () => {
    const file = join(FIXTURES, 'yaml-syntax.yml');
    const issues = await asyncIssuesOf(loadConfig(file));
    expect(issues[0]).toMatchObject({ file, message: expect.stringMatching(/line 4/) });
  });

  it('refuses duplicate YAML keys', () => {
    const issues = issuesOf(() => parseConfig(`${modelsYaml(MODEL_A)}benchmark: {}\nbenchmark: {}\n`, FILE));
    // Lines: 1 models, 2-4 the model, 5 benchmark, 6 the duplicate benchmark.
    expect(issues[0]!.message).toMatch(/^YAML syntax error at line 6, column 1: .*unique/);
  });

  it('refuses a top level that is not a mapping', () => {
    const issues = issuesOf(() => parseConfig('- a\n- b\n', FILE));
    expect(issues).toEqual([{ file: FILE, path: '', message: expect.stringMatching(/expected a mapping/) }]);
  });

  it('reports an empty file as missing models', () => {
    const issues = issuesOf(() => parseConfig('', FILE));
    expect(issues).toEqual([
      { file: FILE, path: 'models', message: expect.stringMatching(/expected array/) },
    ]);
  });

  it('ConfigError maps to exit code 2 and its message lists file: path: message per issue', () => {
    let caught: unknown;
    try {
      parseConfig(modelsYaml(MODEL_A, MODEL_A), FILE);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).exitCode).toBe(2);
    expect((caught as ConfigError).message).toBe(
      'cfg.yml: models[1].name: duplicate model name "a" (also models[0])',
    );
  });
});

describe('loadConfig', () => {
  it('loads a minimal file and resolves its directory', async () => {
    const file = join(FIXTURES, 'minimal.yml');
    const loaded = await loadConfig(file);
    expect(loaded.file).toBe(file);
    expect(loaded.dir).toBe(FIXTURES);
    expect(loaded.config.models[0]!.name).toBe('mlp');
    expect(loaded.runnerOptions).toMatchObject({ executionProvider: 'cpu' });
  });

  it('reports every missing file (ONNX model, input data) with its resolved path', async () => {
    const file = join(FIXTURES, 'missing-files.yml');
    const issues = await asyncIssuesOf(loadConfig(file));
    expect(issues).toEqual([
      {
        file,
        path: 'models[0].onnx',
        message: `ONNX model not found: ${join(FIXTURES, 'does-not-exist.onnx')}`,
      },
      {
        file,
        path: 'models[0].inputs[0].data.path',
        message: `input data file not found: ${join(FIXTURES, 'no-such-inputs.bin')}`,
      },
    ]);
  });

  it('reports a missing config file', async () => {
    const file = join(FIXTURES, 'no-such-config.yml');
    const promise = loadConfig(file);
    await expect(promise).rejects.toBeInstanceOf(ConfigError);
    await expect(promise).rejects.toMatchObject({
      exitCode: 2,
      issues: [{ file, path: '', message: 'cannot read config: file not found' }],
    });
  });
});

describe('configJsonSchema', () => {
  it('is a JSON Schema object that requires models', () => {
    const schema = configJsonSchema() as {
      $schema?: string;
      type?: string;
      required?: string[];
      properties?: Record<string, { type?: string; items?: { required?: string[] } }>;
      title?: string;
    };
    expect(schema.$schema).toMatch(/^https:\/\/json-schema\.org\//);
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['models']);
    expect(schema.title).toMatch(/trt-gate/);
    expect(Object.keys(schema.properties ?? {})).toEqual(
      expect.arrayContaining([
        'version',
        'runner',
        'models',
        'benchmark',
        'accuracy',
        'thresholds',
        'baseline',
        'gate',
      ]),
    );
    expect(schema.properties?.models?.type).toBe('array');
    // Input schema: defaulted fields (precisions, variants) are optional for the user.
    expect(schema.properties?.models?.items?.required?.sort()).toEqual(['inputs', 'name', 'onnx']);
    // It is plain JSON (no functions, no undefined), so editors can load it.
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

describe('the committed trt-gate.schema.json', () => {
  it('matches `trt-gate schema` (regenerate with: npx trt-gate schema > trt-gate.schema.json)', async () => {
    const committed = JSON.parse(await readFile(join(REPO_ROOT, 'trt-gate.schema.json'), 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });
});
