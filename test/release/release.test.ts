import { createHash } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Results } from '../../src/results/schema.js';
import { fakeIO } from '../helpers/fake-io.js';
import { TINYCNN, tempDir, tinyConfigText, writeConfig } from '../helpers/tiny-config.js';
import { readPbtxt } from './read-pbtxt.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-release-'));
});
afterEach(async () => {
  await cleanup();
});

const SWEEP = '    sweep: { batchSizes: [1, 2], minGainPct: 0, warmup: 1, iterations: 5, trials: 1 }\n';
// Generous limits: this test is about what is released, not about this VM's noise.
const SETTINGS = `thresholds: { latency.p50: { model: percentage, maxRegressionPct: 100000 } }
baseline: { store: { type: filesystem, path: store } }
`;

async function cli(args: string[]) {
  const io = fakeIO({ cwd: dir });
  const code = await main(args, io.io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('trt-gate release (ONNX Runtime runs, real inference)', () => {
  it('writes a Triton repository that parses back, checksums and a release report', async () => {
    const model = {
      ...TINYCNN,
      precisions: ['fp32', 'fp16'],
      variants: { fp16: TINYCNN.onnx.replace('fp32', 'fp16') },
    };
    const text = tinyConfigText([model], SETTINGS).replace(/( {4}inputs: .*\n)/, `$1${SWEEP}`);
    const config = await writeConfig(dir, text);
    expect((await cli(['run', '-c', config, '-o', 'prod', '--quiet', '--save-baseline'])).code).toBe(0);
    expect((await cli(['run', '-c', config, '-o', 'cand', '--quiet'])).code).toBe(0);
    const candidate = Results.parse(JSON.parse(await readFile(join(dir, 'cand', 'results.json'), 'utf8')));
    expect(candidate.gate?.conclusion).toBe('pass');

    const out = await cli([
      'release',
      '--from',
      'cand/results.json',
      '--production',
      'prod/results.json',
      '-c',
      config,
      '-o',
      'rel',
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);

    const fp16 = candidate.entries.find((e) => e.precision === 'fp16')!;
    const pbtxt = await readPbtxt(join(dir, 'rel', 'model_repository', 'tinycnn_fp16', 'config.pbtxt'));
    const within = fp16.sweep!.points.filter((p) => p.withinSlo !== false && p.itemsPerSec !== undefined);
    expect(pbtxt).toEqual({
      name: 'tinycnn_fp16',
      platform: 'onnxruntime_onnx',
      max_batch_size: Math.max(...within.map((p) => p.batchSize)),
      input: [{ name: 'image', data_type: 'TYPE_FP32', dims: [3, 32, 32] }],
      output: [{ name: 'probs', data_type: 'TYPE_FP32', dims: [100] }],
      instance_group: [{ kind: 'KIND_CPU', count: 1 }],
      default_model_filename: 'model.onnx',
      dynamic_batching: { preferred_batch_size: [fp16.sweep!.chosen!.batchSize] },
    });
    // The shipped file is the artifact that was measured.
    const shipped = await readFile(join(dir, 'rel', 'model_repository', 'tinycnn_fp16', '1', 'model.onnx'));
    expect(sha256(shipped)).toBe(fp16.build!.artifactSha256);

    const sums = (await readFile(join(dir, 'rel', 'SHA256SUMS'), 'utf8')).trim().split('\n');
    expect(sums.map((l) => l.split('  ')[1])).toEqual([
      'model_repository/tinycnn_fp16/1/model.onnx',
      'model_repository/tinycnn_fp16/config.pbtxt',
      'model_repository/tinycnn_fp32/1/model.onnx',
      'model_repository/tinycnn_fp32/config.pbtxt',
      'release-report.md',
    ]);
    for (const line of sums) {
      const [hash, path] = line.split('  ');
      expect(sha256(await readFile(join(dir, 'rel', path!))), path).toBe(hash);
    }
    const report = await readFile(join(dir, 'rel', 'release-report.md'), 'utf8');
    expect(report).toContain('Compared with production: run ');
    expect(report).toMatch(/\| `tinycnn_fp16` \(onnxruntime_onnx\) \| .* \| [+-]\d+\.\d %/);
  });

  it('refuses a candidate the gate failed, and writes nothing', async () => {
    const text = tinyConfigText([TINYCNN]);
    const config = await writeConfig(dir, text);
    expect((await cli(['run', '-c', config, '-o', 'cand', '--quiet'])).code).toBe(0);
    const path = join(dir, 'cand', 'results.json');
    const results = JSON.parse(await readFile(path, 'utf8'));
    results.gate = {
      conclusion: 'fail',
      failOn: ['regressed'],
      counts: { regressed: 1 },
      failing: ['tinycnn/fp32/b1'],
    };
    await writeFile(path, JSON.stringify(results));
    const out = await cli(['release', '--from', 'cand/results.json', '-c', config, '-o', 'rel']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/nothing released: run .*: the gate concluded fail \(tinycnn\/fp32\/b1\)/);
    await expect(access(join(dir, 'rel'))).rejects.toThrow();
  });
});
