import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Results } from '../../src/results/schema.js';
import { fakeIO } from '../helpers/fake-io.js';
import {
  shippedModel,
  type TinyModel,
  tempDir,
  tinyConfigText,
  writeConfig,
} from '../helpers/tiny-config.js';

/**
 * The gate end to end through the CLI, on real inference: save a baseline, then run unchanged,
 * slower, badly converted and foreign-machine variants against it. The latency threshold is wide
 * (60 %) and the batch is 8 because these machines drift by up to ±50 % between back-to-back runs
 * (shared vCPUs, other test files on the second core); the slower model is 2.5–3.5× at batch 8.
 */
const GATE = `baseline: { store: { type: filesystem, path: store } }
thresholds:
  latency.p50: { model: statistical, minEffectPct: 60 }
`;
const CNN: TinyModel = {
  name: 'tinycnn',
  onnx: shippedModel('tinycnn-fp32.onnx'),
  precisions: ['fp32', 'fp16'],
  variants: { fp16: shippedModel('tinycnn-fp16.onnx') },
  input: { name: 'image', shape: [8, 3, 32, 32] },
};

/** The tiny settings, with enough samples for a latency interval narrower than the effect. */
function gateConfig(models: TinyModel[]): string {
  return tinyConfigText(models, GATE).replace(
    /benchmark: \{[^}]*\}/,
    'benchmark: { warmup: 10, iterations: 60, trials: 4 }',
  );
}

let dir: string;
let cleanup: () => Promise<void>;

async function run(args: string[]): Promise<{ code: number; stderr: string; results?: Results }> {
  const f = fakeIO({ cwd: dir });
  const code = await main(['run', '-q', '--json', ...args], f.io);
  return { code, stderr: f.stderr, results: f.stdout ? (JSON.parse(f.stdout) as Results) : undefined };
}

function comparison(results: Results | undefined, id: string) {
  const found = results?.comparisons?.find((c) => c.entryId === id);
  if (!found) throw new Error(`no comparison for ${id}`);
  return found;
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-flow-'));
  await writeConfig(dir, gateConfig([CNN]));
  await writeConfig(
    dir,
    gateConfig([
      { ...CNN, onnx: shippedModel('tinycnn-slower-fp32.onnx'), precisions: ['fp32'], variants: undefined },
    ]),
    'slower.yml',
  );
  await writeConfig(
    dir,
    gateConfig([{ ...CNN, variants: { fp16: shippedModel('tinycnn-perturbed-fp32.onnx') } }]),
    'perturbed.yml',
  );
  const first = await run(['--out', 'first']);
  expect(first.code).toBe(0);
  expect(comparison(first.results, 'tinycnn/fp32/b8').verdict).toBe('no-baseline');
  const save = fakeIO({ cwd: dir });
  expect(await main(['baseline', 'save', '--from', 'first/results.json'], save.io)).toBe(0);
  expect(save.stdout).toContain('tinycnn/fp32/b8');
});
afterAll(async () => {
  await cleanup();
});

describe('the gate through `trt-gate run`', () => {
  it('passes an unchanged model (exit 0) and never writes the store while comparing', async () => {
    const storeBefore = await readdir(join(dir, 'store'), { recursive: true });
    const again = await run(['--out', 'again']);
    expect(again.code).toBe(0);
    expect(comparison(again.results, 'tinycnn/fp32/b8').verdict).not.toBe('regressed');
    expect(again.results?.gate?.conclusion).not.toBe('fail');
    expect(await readdir(join(dir, 'store'), { recursive: true })).toEqual(storeBefore);
  });

  it('fails a slower model on latency (exit 1, regressed)', async () => {
    const slower = await run(['-c', 'slower.yml', '--out', 'slower']);
    expect(slower.code).toBe(1);
    const cmp = comparison(slower.results, 'tinycnn/fp32/b8');
    expect(cmp.verdict).toBe('regressed');
    expect(cmp.metrics.find((m) => m.metric === 'latency.p50')?.verdict).toBe('regressed');
  });

  it('fails a badly converted fp16 model on accuracy (exit 1)', async () => {
    const perturbed = await run(['-c', 'perturbed.yml', '--out', 'perturbed']);
    expect(perturbed.code).toBe(1);
    const cmp = comparison(perturbed.results, 'tinycnn/fp16/b8');
    expect(cmp.verdict).toBe('regressed');
    expect(cmp.metrics.some((m) => m.metric.startsWith('accuracy.') && m.verdict === 'regressed')).toBe(true);
  });

  it('says environment-mismatch for a store from another machine, and does not fail', async () => {
    const foreign = JSON.parse(await readFile(join(dir, 'first', 'results.json'), 'utf8')) as Results;
    foreign.environment.device.name = 'Other CPU ×64';
    for (const e of foreign.entries) e.key.device = 'Other CPU ×64';
    await writeFile(join(dir, 'foreign.json'), JSON.stringify(foreign));
    const save = fakeIO({ cwd: dir });
    expect(
      await main(['baseline', 'save', '--from', 'foreign.json', '--store', 'foreign-store'], save.io),
    ).toBe(0);
    const mismatch = await run(['--store', 'foreign-store', '--out', 'mismatch']);
    expect(mismatch.code).toBe(0);
    const cmp = comparison(mismatch.results, 'tinycnn/fp32/b8');
    expect(cmp.verdict).toBe('environment-mismatch');
    expect(cmp.reason).toContain('Other CPU ×64');
  });

  it('refuses a corrupted baseline file by name, exit 4, and leaves it byte for byte', async () => {
    const files = (await readdir(join(dir, 'store'), { recursive: true })).filter((f) => f.endsWith('.json'));
    const target = join(dir, 'store', files.find((f) => f.includes('fp32'))!);
    const bytes = await readFile(target);
    const truncated = bytes.subarray(0, Math.floor(bytes.length / 2));
    await writeFile(target, truncated);
    const broken = await run(['--out', 'broken']);
    expect(broken.code).toBe(4);
    expect(broken.stderr).toContain(target);
    expect(Buffer.compare(await readFile(target), truncated)).toBe(0);
    await writeFile(target, bytes);
  });
});
