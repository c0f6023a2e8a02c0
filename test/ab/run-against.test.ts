import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { renderReport } from '../../src/report/render.js';
import type { Results } from '../../src/results/schema.js';
import { fakeIO } from '../helpers/fake-io.js';
import { ModelRepo } from '../helpers/model-repo.js';
import { tempDir } from '../helpers/tiny-config.js';

/**
 * `trt-gate run --against HEAD~1` end to end, on real inference, in a temporary git repository
 * whose last commit swaps tinycnn for tinycnn-slower10 (one extra small convolution pair: a real
 * model, +10–11 % at batch 8 on a quiet 2-core VM). On a loaded machine the A/A control widens the
 * threshold and the adaptive budget buys more pairs until the interval clears it; the budget here
 * (240 s) is far above what a quiet machine needs (a few seconds).
 */
const CONFIG = `version: 1
runner: { type: onnxruntime, intraOpThreads: 1, interOpThreads: 1 }
models:
  - name: tinycnn
    onnx: models/tinycnn.onnx
    inputs: [{ name: image, shape: [8, 3, 32, 32] }]
accuracy: { samples: 4 }
thresholds:
  build.artifactBytes: { model: percentage, maxRegressionPct: 50 }
ab: { maxSeconds: 240, maxPairs: 600 }
`;

let repo: string;
let cleanup: () => Promise<void>;
const git = (cwd: string, ...args: string[]) => execa('git', args, { cwd });

beforeAll(async () => {
  ({ dir: repo, cleanup } = await tempDir('trt-gate-ab-'));
  const r = await ModelRepo.init(repo);
  await r.model('tinycnn-fp32.onnx');
  await r.config(CONFIG);
  await r.commit('base');
  await writeFile(join(repo, 'README.md'), 'docs only\n');
  await r.commit('unchanged model');
  await r.git('tag', 'unchanged');
  await r.model('tinycnn-slower10-fp32.onnx');
  await r.commit('a 10 % slower model');
});
afterAll(() => cleanup());

async function runAgainst(cwd: string, ref: string, extra: string[] = []) {
  const f = fakeIO({ cwd });
  const code = await main(['run', '-q', '--against', ref, '-o', 'out', ...extra], f.io);
  const results = JSON.parse(await readFile(join(cwd, 'out', 'results.json'), 'utf8')) as Results;
  return { code, stdout: f.stdout, stderr: f.stderr, results };
}

describe('run --against', () => {
  it('a model swapped for a ~10 % slower one is regressed (exit 1), judged by A/B', async () => {
    const { code, stdout, results } = await runAgainst(repo, 'HEAD~1');
    const cmp = results.comparisons?.[0];
    expect(cmp?.method).toBe('ab');
    expect(cmp?.verdict, cmp?.reason).toBe('regressed');
    const p50 = cmp?.metrics.find((m) => m.metric === 'latency.p50');
    expect(p50?.verdict).toBe('regressed');
    expect(p50?.deltaPct).toBeGreaterThan(5);
    expect(cmp?.ab?.pairs).toBeGreaterThanOrEqual(12);
    expect(cmp?.ab?.aaNoisePct).not.toBeNull();
    expect(cmp?.ab?.base).toMatch(/^git HEAD~1 \([0-9a-f]{12}\)$/);
    expect(code).toBe(1);
    // The terminal says how each entry was judged.
    expect(stdout).toMatch(/A\/B against git HEAD~1/);
    expect(stdout).toMatch(/method.*pairs.*A\/A noise.*time to verdict/);
    expect(stdout).toMatch(/tinycnn\/fp32\/b8\s+A\/B\s+regressed/);
    // The reports say which method judged the entry, with pairs, A/A noise and time to verdict.
    const judged =
      /judged by A\/B in this job vs git HEAD\S+ \S+: \d+ pairs · A\/A noise ±\d+\.\d % · \d+\.\d s to verdict/i;
    expect(renderReport('md', results)).toMatch(judged);
    expect(renderReport('html', results)).toMatch(judged);
    // Paired accuracy: the candidate's outputs against the base side's, beside the fp32 reference.
    const entry = results.entries[0]!;
    expect(entry.accuracy?.reference).toMatch(/fp32/);
    expect(entry.accuracyVsBase?.reference).toMatch(/^base side \(git HEAD~1/);
    expect(entry.accuracyVsBase?.worst?.cosine).toBeLessThan(0.999);
  }, 400_000);

  it('an unchanged model does not fail (exit 0), and the base files were read, not checked out', async () => {
    const wt = join(repo, '..', `${repo.split('/').pop()}-unchanged`);
    await git(repo, 'worktree', 'add', '-q', '--detach', wt, 'unchanged');
    try {
      // Exit 0 needs no settled verdict (inconclusive passes too): a shorter budget keeps the suite quick.
      const { code, results } = await runAgainst(wt, 'HEAD~1', ['--ab-max-seconds', '45']);
      const cmp = results.comparisons?.[0];
      expect(cmp?.method).toBe('ab');
      // Quiet machine: unchanged; loaded machine: possibly inconclusive with the A/A noise named.
      expect(['unchanged', 'inconclusive']).toContain(cmp?.verdict);
      if (cmp?.verdict === 'inconclusive') expect(cmp.reason).toMatch(/A\/A control|straddles|budget/);
      expect(code).toBe(0);
      // Same model on both sides: identical outputs.
      expect(results.entries[0]!.accuracyVsBase?.worst?.maxAbsError).toBe(0);
      const worktrees = (await git(repo, 'worktree', 'list')).stdout.split('\n');
      expect(worktrees).toHaveLength(2);
    } finally {
      await git(repo, 'worktree', 'remove', '--force', wt);
    }
  }, 400_000);
});
