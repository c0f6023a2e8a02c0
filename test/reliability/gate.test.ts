/**
 * Reliability cases 5, 6, 7 and 13 (issue 10): the gate never passes what it did not check, and
 * never writes what it cannot read back.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { compareEntry } from '../../src/gate/compare.js';
import { createRng } from '../../src/gate/rng.js';
import { parseResults, readResults, writeResults } from '../../src/results/io.js';
import type { Results } from '../../src/results/schema.js';
import {
  latencyTrials,
  lognormal,
  makeEntry,
  makeHistory,
  makeResults,
  STATISTICAL,
} from '../gate/helpers.js';
import { fakeIO } from '../helpers/fake-io.js';
import { shippedModel, TINYCNN, tempDir, tinyConfigText, writeConfig } from '../helpers/tiny-config.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-rel-gate-'));
});
afterEach(async () => {
  await cleanup();
});

const quiet = () => makeEntry({ trials: latencyTrials({ seed: 'base', trials: 5, samples: 400 }) });

describe('case 5: accuracy limits apply without a baseline store', () => {
  it('a perturbed fp16 model fails the run (exit 1) when the config has no baseline section', async () => {
    const config = await writeConfig(
      dir,
      tinyConfigText(
        [
          {
            ...TINYCNN,
            precisions: ['fp32', 'fp16'],
            variants: { fp16: shippedModel('tinycnn-perturbed-fp32.onnx') },
          },
        ],
        'accuracy: { samples: 4, limits: { default: { cosine: { min: 0.9999 }, top1Agreement: { min: 0.99 } } } }\n',
      ).replace('accuracy: { samples: 4 }\n', ''),
    );
    const f = fakeIO({ cwd: dir });
    const code = await main(['run', '-q', '-c', config, '-o', join(dir, 'out')], f.io);
    expect(code, f.stderr + f.stdout).toBe(1);
    const results = await readResults(join(dir, 'out', 'results.json'));
    const fp16 = results.comparisons!.find((c) => c.precision === 'fp16')!;
    expect(fp16.verdict).toBe('regressed');
    expect(fp16.reason).toMatch(/cosine/);
    expect(results.gate!.conclusion).toBe('fail');
  }, 120_000);
});

describe('case 6: no silent pass on missing or inconsistent numbers', () => {
  it('an ok candidate without latency is inconclusive, not unchanged', () => {
    const candidate = makeEntry({});
    const c = compareEntry(candidate, makeHistory([quiet()]), [], { 'latency.p50': STATISTICAL });
    expect(c.verdict).toBe('inconclusive');
    expect(c.metrics[0]!.reason).toMatch(/no latency\.p50/);
  });

  it('a build time that does not apply (cached engine) is skipped, not inconclusive', () => {
    const candidate = makeEntry({ build: { cached: true } });
    const c = compareEntry(candidate, makeHistory([makeEntry({ build: {} })]), [], {
      'build.timeMs': { model: 'percentage', maxRegressionPct: 10 },
    });
    expect(c.metrics).toHaveLength(0);
  });

  function tampered(edit: (r: Results) => void): string {
    const results = makeResults([makeEntry({ trials: [[0.15, 0.16, 0.14, 0.15]] })]);
    edit(results);
    return JSON.stringify(results);
  }

  it('refuses a pooled median that its samples contradict', () => {
    const text = tampered((r) => {
      r.entries[0]!.latency!.pooled.median = 150;
    });
    expect(() => parseResults(text, 'r.json')).toThrow(/pooled\.median is 150 but the samples give 0\.15/);
  });

  it('refuses empty sample arrays that claim a count', () => {
    const text = tampered((r) => {
      const l = r.entries[0]!.latency!;
      l.trials[0]!.samples = [];
      l.trials[0]!.stats.count = 40;
      l.pooled.count = 40;
    });
    expect(() => parseResults(text, 'r.json')).toThrow(/have no samples/);
  });

  it('baseline save refuses such a file (exit 4) and stores nothing', async () => {
    const from = join(dir, 'results.json');
    await writeFile(
      from,
      tampered((r) => {
        r.entries[0]!.latency!.pooled.median = 150;
      }),
    );
    const store = join(dir, 'store');
    const f = fakeIO({ cwd: dir });
    const code = await main(['baseline', 'save', '--from', from, '--store', store], f.io);
    expect(code).toBe(4);
    expect(f.stderr).toMatch(/do not match its samples/);
    const list = fakeIO({ cwd: dir });
    await main(['baseline', 'list', '--json', '--store', store], list.io);
    expect(JSON.parse(list.stdout || '[]')).toEqual([]);
  });
});

describe('case 7: the candidate\'s own noise never buys an "unchanged"', () => {
  it('a real +20% slowdown with trial noise is never unchanged against one stored run (40 seeds)', () => {
    const verdicts: string[] = [];
    for (let seed = 0; seed < 40; seed++) {
      const rng = createRng(`noise-${seed}`);
      const factors = lognormal(rng, 5, 1.2, 0.3);
      const candidate = makeEntry({
        trials: latencyTrials({ seed: `cand-${seed}`, samples: 400, trialFactors: factors }),
      });
      const c = compareEntry(candidate, makeHistory([quiet()]), [], { 'latency.p50': STATISTICAL }, { seed });
      verdicts.push(c.verdict);
    }
    expect(verdicts).not.toContain('unchanged');
    expect(verdicts).not.toContain('improved');
  });

  it('a quiet candidate is still judged unchanged against one quiet run', () => {
    const candidate = makeEntry({ trials: latencyTrials({ seed: 'c', trials: 5, samples: 400 }) });
    expect(compareEntry(candidate, makeHistory([quiet()]), [], { 'latency.p50': STATISTICAL }).verdict).toBe(
      'unchanged',
    );
  });
});

describe('case 13: older schemas and unreadable numbers', () => {
  it('an older results schema is refused naming its version, not "expected 1"', () => {
    const text = JSON.stringify({ ...makeResults([]), schemaVersion: 0 });
    expect(() => parseResults(text, 'old.json')).toThrow(
      /written by an older trt-gate, results schema version 0/,
    );
  });

  it('a non-finite number never reaches results.json: the comparison drops it and is not good news', async () => {
    // Stored runs whose values span hundreds of orders of magnitude: the noise estimate overflows.
    const runs = [1e-300, 1e300, 1e-300, 1e300].map((v) =>
      makeEntry({ throughput: { inferencesPerSec: v, itemsPerSec: v } }),
    );
    const candidate = makeEntry({ throughput: { inferencesPerSec: 1, itemsPerSec: 1 } });
    const c = compareEntry(candidate, makeHistory(runs), [], { throughput: STATISTICAL });
    expect(c.metrics[0]!.noisePct ?? 0).not.toBe(Number.POSITIVE_INFINITY);
    expect(['unchanged', 'improved']).not.toContain(c.verdict);
    const results: Results = { ...makeResults([candidate]), comparisons: [c] };
    const path = await writeResults(dir, results);
    expect((await readResults(path)).comparisons![0]!.verdict).toBe(c.verdict);
  });

  it('writeResults refuses (exit 4) what it could not read back, and keeps the old file', async () => {
    const good = await writeResults(dir, makeResults([]));
    const before = await readFile(good, 'utf8');
    const bad = makeResults([makeEntry({ trials: [[1, 2, 3]] })]);
    bad.entries[0]!.latency!.pooled.median = Number.NaN;
    await expect(writeResults(dir, bad)).rejects.toMatchObject({ exitCode: 4 });
    expect(await readFile(good, 'utf8')).toBe(before);
  });
});
