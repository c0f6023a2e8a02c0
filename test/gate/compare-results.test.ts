import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/config/schema.js';
import { UsageError } from '../../src/errors.js';
import { compareResults, decide, lookupFromResults } from '../../src/gate/compare-results.js';
import { VERDICT_SEVERITY, worstVerdict } from '../../src/gate/verdict.js';
import { Entry, type EntryComparison, GateOutcome, Results } from '../../src/results/schema.js';
import type { BaselineHistory } from '../../src/store/types.js';
import { latencyTrials, makeEntry, makeHistory, makeResults, STATISTICAL } from './helpers.js';

const comparison = (entryId: string, verdict: Verdict): EntryComparison => ({
  entryId,
  model: entryId,
  precision: 'fp16',
  batchSize: 1,
  device: 'd',
  verdict,
  reason: '',
  baselineRuns: 1,
  metrics: [],
});

const settings = {
  thresholds: { 'latency.p50': STATISTICAL },
  gate: { failOn: ['regressed', 'failed'] as Verdict[], maxRerunTrials: 0 },
};

describe('decide', () => {
  it('fails on any verdict in failOn, else is neutral on unknowns, else passes', () => {
    const ok = [comparison('a', 'unchanged'), comparison('b', 'improved')];
    expect(decide(ok, ['regressed']).conclusion).toBe('pass');

    const unsure = [...ok, comparison('c', 'inconclusive'), comparison('d', 'no-baseline')];
    const neutral = decide(unsure, ['regressed', 'failed']);
    expect(neutral.conclusion).toBe('neutral');
    expect(neutral.counts).toEqual({ unchanged: 1, improved: 1, inconclusive: 1, 'no-baseline': 1 });
    expect(GateOutcome.parse(neutral)).toEqual(neutral);

    const strict = decide(unsure, ['regressed', 'inconclusive']);
    expect(strict.conclusion).toBe('fail');
    expect(strict.failing).toEqual(['c']);
    expect(strict.failOn).toEqual(['regressed', 'inconclusive']);

    const regressed = [...ok, comparison('r', 'regressed')];
    expect(decide(regressed, ['regressed']).conclusion).toBe('fail');
    // A regression that failOn leaves out still needs a look: neutral, not pass.
    expect(decide(regressed, ['failed']).conclusion).toBe('neutral');
    expect(decide([comparison('e', 'environment-mismatch')], ['regressed']).conclusion).toBe('neutral');
    expect(decide([], ['regressed']).conclusion).toBe('pass');
  });

  it('orders verdicts by documented severity', () => {
    const documented = [
      'failed',
      'regressed',
      'inconclusive',
      'environment-mismatch',
      'no-baseline',
      'accepted',
      'improved',
      'unchanged',
    ] as const;
    // Each verdict outranks every one documented after it, whatever the order they arrive in.
    documented.forEach((worse, i) => {
      for (const better of documented.slice(i + 1)) {
        expect(worstVerdict([better, worse])).toBe(worse);
        expect(worstVerdict([worse, better])).toBe(worse);
      }
    });
    expect(VERDICT_SEVERITY).toHaveLength(documented.length);
    expect(worstVerdict(['improved', 'no-baseline', 'unchanged'])).toBe('no-baseline');
    expect(worstVerdict(['environment-mismatch', 'inconclusive'])).toBe('inconclusive');
    expect(worstVerdict([])).toBe('unchanged');
  });
});

describe('compareResults', () => {
  const entry = (model: string, median: number, seed: string) =>
    makeEntry({ key: { model }, trials: latencyTrials({ seed, median }) });

  it('compares each entry against its looked-up history and decides', async () => {
    const histories = new Map<string, BaselineHistory>([
      ['fast', makeHistory([entry('fast', 10, 'f1'), entry('fast', 10, 'f2')])],
      ['slow', makeHistory([entry('slow', 10, 's1')])],
    ]);
    const looked: string[] = [];
    const candidate = makeResults([
      entry('fast', 10, 'f3'),
      entry('slow', 13, 's2'),
      entry('new', 10, 'n'),
      makeEntry({ key: { model: 'broken' }, status: 'failed', error: { stage: 'build', message: 'OOM' } }),
    ]);
    const report = await compareResults(
      candidate,
      async (key) => {
        looked.push(key.model);
        const history = histories.get(key.model);
        return history ? { history, similar: [] } : { similar: [] };
      },
      settings,
      { concurrency: 2 },
    );
    expect(report.comparisons.map((c) => [c.model, c.verdict])).toEqual([
      ['fast', 'unchanged'],
      ['slow', 'regressed'],
      ['new', 'no-baseline'],
      ['broken', 'failed'],
    ]);
    expect(looked.sort()).toEqual(['fast', 'new', 'slow']); // a failed entry needs no lookup
    expect(report.gate.conclusion).toBe('fail');
    expect(report.gate.failing).toEqual(['slow/fp16/b1', 'broken/fp16/b1']);
    expect(Results.parse({ ...candidate, ...report }).comparisons).toHaveLength(4);
  });

  it('rejects thresholds for unknown metrics, listing the known ones', async () => {
    const bad = { ...settings, thresholds: { 'latency.p95': STATISTICAL } };
    const run = compareResults(makeResults([]), async () => ({ similar: [] }), bad);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/"latency\.p95".*latency\.p50/);
  });
});

describe('compareResults against a baseline results file (trt-gate compare)', () => {
  it('treats each baseline entry as a one-run history for its key', async () => {
    const mk = (model: string, median: number, seed: string, device = 'NVIDIA A100 (8.0)') =>
      makeEntry({ key: { model, device }, trials: latencyTrials({ seed, median }) });
    const baseline = makeResults(
      [mk('a', 10, 'a1'), mk('b', 10, 'b1'), mk('c', 10, 'c1', 'NVIDIA L4 (8.9)')],
      'base',
    );
    const candidate = makeResults([
      mk('a', 10, 'a2'),
      mk('b', 8, 'b2'),
      mk('c', 10, 'c2'),
      mk('d', 10, 'd2'),
    ]);
    const report = await compareResults(candidate, lookupFromResults(baseline), settings);
    expect(report.comparisons.map((c) => [c.model, c.verdict, c.baselineRuns])).toEqual([
      ['a', 'unchanged', 1],
      ['b', 'improved', 1],
      ['c', 'environment-mismatch', 0],
      ['d', 'no-baseline', 0],
    ]);
    expect(report.comparisons[2]!.reason).toContain('device "NVIDIA L4 (8.9)"');
    expect(report.gate.conclusion).toBe('neutral');

    const found = await lookupFromResults(baseline)(baseline.entries[0]!.key);
    expect(found.history!.runs[0]!.runId).toBe('base');
  });
});

describe('test helpers', () => {
  it('build entries and results that the zod schemas accept', () => {
    const entry = makeEntry({
      trials: latencyTrials({ seed: 1, samples: 50 }),
      throughput: { inferencesPerSec: 10, itemsPerSec: 10 },
      build: {},
      accuracy: {},
      layers: [{ name: 'l', index: 0, averageMs: 1 }],
      unreliable: 'throttled',
    });
    expect(Entry.parse(entry)).toEqual(entry);
    const results = makeResults([entry]);
    expect(Results.parse(results)).toEqual(results);
  });
});
