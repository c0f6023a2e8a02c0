import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Results } from '../../src/results/schema.js';
import { REPO_ROOT, tempDir, writeConfig } from '../helpers/tiny-config.js';
import { DOUBLE_DIR } from '../runners/trtexec/double/helpers.js';
import { ACCURACY_SAMPLES, MLP, recordOutputs, TINYCNN } from '../runners/trtexec/double/pipeline.js';

/**
 * The real CLI with `runner: trtexec` and the trtexec / nvidia-smi doubles found on PATH (no
 * `path:` in the config), as on a GPU runner: a full report, and an OOM that fails one model only.
 */
const BIN = join(REPO_ROOT, 'bin', 'trt-gate.js');

function config(): string {
  const models = [TINYCNN, MLP]
    .map(
      (m) =>
        `  - name: ${m.name}\n    onnx: ${JSON.stringify(m.onnx)}\n    inputs: [{ name: ${m.input.name}, shape: [${m.input.shape.join(', ')}] }]`,
    )
    .join('\n');
  return `version: 1
runner: { type: trtexec, health: { cooldownSec: 0, sampleIntervalMs: 200 } }
models:
${models}
benchmark: { warmup: 2, iterations: 20, trials: 2 }
accuracy: { samples: ${ACCURACY_SAMPLES} }
`;
}

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-trtexec-cli-'));
  await recordOutputs(join(dir, 'outputs.json'));
  await writeConfig(dir, config());
});
afterAll(async () => {
  await cleanup();
});

function trtGate(args: string[], env: Record<string, string> = {}) {
  return execa('node', [BIN, ...args], {
    cwd: dir,
    reject: false,
    env: {
      PATH: `${DOUBLE_DIR}${delimiter}${process.env.PATH}`,
      TRTEXEC_DOUBLE_OUTPUTS: join(dir, 'outputs.json'),
      NO_COLOR: '1',
      ...env,
    },
  });
}

describe('trt-gate run with runner: trtexec (doubles on PATH)', () => {
  it('builds, benchmarks and checks both models and writes a full report', async () => {
    const run = await trtGate(['run', '-q', '-o', 'ok']);
    expect(run.exitCode, run.stderr).toBe(0);
    const results = Results.parse(JSON.parse(await readFile(join(dir, 'ok', 'results.json'), 'utf8')));
    expect(results.environment.runtime.name).toBe('tensorrt');
    expect(results.environment.device.kind).toBe('gpu');
    expect(results.entries.map((e) => e.status)).toEqual(['ok', 'ok']);
    expect(results.entries[0]!.latency!.source).toContain('trtexec');
    expect(results.entries[0]!.accuracy!.passed).toBe(true);
    const report = await readFile(join(dir, 'ok', 'report.md'), 'utf8');
    expect(report).toContain(results.environment.device.name);
    expect(report).toContain('tinycnn');
    expect(run.stdout).toContain('tensorrt');
  });

  it('an OOM replayed for one model gives the OOM incident and exit 3, the other model still reported', async () => {
    const run = await trtGate(['run', '-q', '-o', 'oom'], {
      TRTEXEC_DOUBLE_FAIL: 'oom',
      TRTEXEC_DOUBLE_FAIL_MATCH: 'tinycnn',
    });
    expect(run.exitCode).toBe(3);
    const results = Results.parse(JSON.parse(await readFile(join(dir, 'oom', 'results.json'), 'utf8')));
    const [tiny, mlp] = results.entries;
    expect(tiny).toMatchObject({ status: 'failed', error: { stage: 'build' } });
    expect(tiny!.incidents[0]!.kind).toBe('out-of-memory');
    expect(mlp!.status).toBe('ok');
    const report = await readFile(join(dir, 'oom', 'report.md'), 'utf8');
    expect(report).toMatch(/out of memory/i);
    expect(report).toContain('mlp');
  });
});
