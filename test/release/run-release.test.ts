import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
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
  ({ dir, cleanup } = await tempDir('trt-gate-run-release-'));
});
afterEach(async () => {
  await cleanup();
});

// Generous latency limits: this test is about what is released, not about this VM's noise.
const SETTINGS = `thresholds: { latency.p50: { model: percentage, maxRegressionPct: 100000 } }
baseline: { store: { type: filesystem, path: store } }
`;

async function cli(args: string[]) {
  const io = fakeIO({ cwd: dir });
  const code = await main(args, io.io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('trt-gate run --mode release (real inference, ONNX Runtime)', () => {
  it('gates against the production baseline, then writes the Triton repository of what passed', async () => {
    const config = await writeConfig(dir, tinyConfigText([TINYCNN], SETTINGS));
    const prod = await cli([
      'run',
      '-c',
      config,
      '-o',
      'prod',
      '-q',
      '--namespace',
      ':production',
      '--save-baseline',
    ]);
    expect(prod.code).toBe(0);

    const out = await cli(['run', '-c', config, '-o', 'cand', '-q', '--mode', 'release']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('released (compared with production (last release)');
    const candidate = Results.parse(JSON.parse(await readFile(join(dir, 'cand', 'results.json'), 'utf8')));
    expect(candidate.comparisons?.[0]?.baselineRuns).toBe(1); // compared with what production recorded
    const entry = candidate.entries[0]!;
    const model = join(dir, 'cand', 'release', 'model_repository', 'tinycnn_fp32');
    expect(await readPbtxt(join(model, 'config.pbtxt'))).toMatchObject({
      name: 'tinycnn_fp32',
      platform: 'onnxruntime_onnx',
      default_model_filename: 'model.onnx',
    });
    const shipped = await readFile(join(model, '1', 'model.onnx'));
    expect(createHash('sha256').update(shipped).digest('hex')).toBe(entry.build!.artifactSha256);
    expect(await readFile(join(dir, 'cand', 'release', 'release-report.md'), 'utf8')).toContain(
      '`tinycnn_fp32` (onnxruntime_onnx)',
    );
  }, 120_000);

  it('releases nothing and exits 1 when nothing was compared with production, saying which run', async () => {
    const config = await writeConfig(dir, tinyConfigText([TINYCNN], SETTINGS));
    const out = await cli(['run', '-c', config, '-o', 'cand', '-q', '--mode', 'release']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /^trt-gate: nothing released: run [^ ]+ \(.+\): the gate concluded neutral \(nothing compared: no production baseline for its entries\)/,
    );
    expect(await exists(join(dir, 'cand', 'results.json'))).toBe(true); // the run itself is kept
    expect(await exists(join(dir, 'cand', 'release'))).toBe(false);
  }, 120_000);

  it.each([
    [['--mode', 'nightly'], /--mode nightly: expected one of gate, release/],
    [['--mode', 'release', '--against', 'main'], /--mode release compares with production: drop --against/],
    [['--release-out', 'x'], /need --mode release/],
  ])('refuses %j as a usage error', async (args, message) => {
    const config = await writeConfig(dir, tinyConfigText([TINYCNN], SETTINGS));
    const out = await cli(['run', '-c', config, '-o', 'cand', '-q', ...args]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
  });
});
