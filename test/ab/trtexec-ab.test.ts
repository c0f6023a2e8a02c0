import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openBaseSide } from '../../src/ab/base-side.js';
import { runAb } from '../../src/ab/run.js';
import { loadConfig } from '../../src/config/load.js';
import { createRunner } from '../../src/runners/create.js';
import { shippedModel, tempDir } from '../helpers/tiny-config.js';
import { readInvocations } from '../runners/trtexec/double/helpers.js';
import { recordOutputs, TINYCNN, trtexecConfig } from '../runners/trtexec/double/pipeline.js';

/**
 * A/B with the trtexec runner, against the executable doubles: each block is one short
 * --loadEngine invocation, the sides alternate, and a block measured on a throttling GPU
 * discards its round (recorded), never pairs with a healthy one.
 */
let dir: string;
let cleanup: () => Promise<void>;

// No A/A control here: two arms keep the number of (slow) double invocations down.
const AB = 'ab: { minPairs: 8, maxPairs: 8, blockIterations: 10, blockWarmup: 1, control: false }\n';

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-ab-trtexec-'));
  await recordOutputs(join(dir, 'outputs.json'), [TINYCNN]);
  await writeFile(join(dir, 'trt-gate.yml'), trtexecConfig([TINYCNN], 'maxReruns: 0') + AB);
  // The base side: the same config over another ONNX file, so its engine differs.
  await mkdir(join(dir, 'base'));
  await writeFile(
    join(dir, 'base', 'trt-gate.yml'),
    trtexecConfig([{ ...TINYCNN, onnx: shippedModel('tinycnn-slower10-fp32.onnx') }], 'maxReruns: 0') + AB,
  );
});
afterAll(() => cleanup());

async function abRun(smiState: string) {
  const log = join(dir, `argv-${smiState}.jsonl`);
  vi.stubEnv('TRTEXEC_DOUBLE_LOG', log);
  vi.stubEnv('TRTEXEC_DOUBLE_OUTPUTS', join(dir, 'outputs.json'));
  vi.stubEnv('NVIDIA_SMI_DOUBLE_STATE', smiState);
  try {
    const loaded = await loadConfig(join(dir, 'trt-gate.yml'));
    const runner = await createRunner(loaded, join(dir, `out-${smiState}`));
    try {
      const base = await openBaseSide(join(dir, 'base'), 'trt-gate.yml', dir);
      const results = await runAb({ candidate: loaded, base, runner, workDir: join(dir, `out-${smiState}`) });
      return { results, invocations: await readInvocations(log) };
    } finally {
      await runner.close();
    }
  } finally {
    vi.unstubAllEnvs();
  }
}

describe('A/B with trtexec', () => {
  it('alternates short --loadEngine invocations between the sides, the same number for each arm', async () => {
    const { results, invocations } = await abRun('ok');
    const cmp = results.comparisons![0]!;
    expect(cmp.method).toBe('ab');
    expect(cmp.ab?.pairs).toBe(8); // four ABBA cycles
    expect(cmp.ab?.discardedRounds).toBe(0);
    const blocks = invocations.filter((i) => i.mode === 'benchmark');
    expect(blocks).toHaveLength(16);
    const engines = blocks.map((b) => b.argv.find((a) => a.startsWith('--loadEngine='))!);
    const counts = new Map<string, number>();
    for (const e of engines) counts.set(e, (counts.get(e) ?? 0) + 1);
    expect([...counts.values()]).toEqual([8, 8]);
    // Balanced: within each cycle of two rounds, each side goes first once.
    for (let r = 0; r < 8; r += 2) expect(engines[2 * r]).not.toBe(engines[2 * r + 2]);
    expect(blocks.every((b) => b.argv.some((a) => a === '--iterations=10'))).toBe(true);
    expect(results.entries[0]!.accuracyVsBase).toBeDefined();
  }, 300_000);

  it('a throttling GPU discards every round: inconclusive, with the reason recorded', async () => {
    const { results, invocations } = await abRun('thermal');
    // A round stops at its first unreliable block: 8 blocks, then the candidate's own benchmark
    // (nothing was paired, so its numbers come from a plain run, itself marked unreliable).
    expect(invocations.filter((i) => i.mode === 'benchmark')).toHaveLength(9);
    const cmp = results.comparisons![0]!;
    // Never a pass: nothing was paired (the separate candidate benchmark is also throttled).
    expect(['inconclusive', 'failed'], cmp.reason).toContain(cmp.verdict);
    expect(cmp.ab?.pairs).toBe(0);
    expect(cmp.ab?.stopped).toBe('discarded');
    expect(cmp.ab?.discardedRounds).toBe(8);
    expect(cmp.ab?.discardReasons.join(' ')).toMatch(/thermal|throttl/i);
  }, 300_000);
});
