import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/config/schema.js';
import { applyAcceptances, entryGlob, parseAcceptCommands } from '../../src/gate/accept.js';
import { compareTwoResults } from '../../src/gate/compare-results.js';
import { latencyTrials, makeEntry, makeResults, STATISTICAL } from './helpers.js';

const settings = {
  thresholds: { 'latency.p50': STATISTICAL },
  gate: { failOn: ['regressed', 'failed'] as Verdict[], maxRerunTrials: 0 },
};

describe('accept commands', () => {
  it('reads one command per line, at the start of the line, with an optional reason', () => {
    const body = [
      'Looks expected.',
      '/trt-gate accept tinycnn/fp16/* the bigger backbone costs ~10 %',
      '  /trt-gate accept mlp/**',
      '> /trt-gate accept quoted/* not a command',
      'please /trt-gate accept inline/* not a command either',
      '/trt-gate accepts typo',
    ].join('\r\n');
    expect(parseAcceptCommands(body)).toEqual([
      { pattern: 'tinycnn/fp16/*', reason: 'the bigger backbone costs ~10 %' },
      { pattern: 'mlp/**', reason: '' },
    ]);
  });

  it('globs entry ids: * stays within a part, ** crosses them, everything else is literal', () => {
    expect(entryGlob('tinycnn/*/b8').test('tinycnn/fp16/b8')).toBe(true);
    expect(entryGlob('tinycnn/*').test('tinycnn/fp16/b8')).toBe(false);
    expect(entryGlob('tinycnn/**').test('tinycnn/fp16/b8')).toBe(true);
    expect(entryGlob('tiny?nn/**').test('tinycnn/fp16/b8')).toBe(true);
    expect(entryGlob('a.b/**').test('axb/fp16/b8')).toBe(false);
    expect(entryGlob('(a|b)/**').test('a/fp16/b8')).toBe(false);
  });
});

describe('applyAcceptances', () => {
  it('marks only the named regressed entries accepted, records who and why, and decides the gate again', async () => {
    const mk = (model: string, median: number, seed: string) =>
      makeEntry({ key: { model }, trials: latencyTrials({ seed, median }) });
    const baseline = makeResults([mk('a', 10, 'a1'), mk('b', 10, 'b1'), mk('c', 10, 'c1')], 'base');
    const candidate = makeResults([mk('a', 14, 'a2'), mk('b', 14, 'b2'), mk('c', 10, 'c2')]);
    const { comparisons, gate } = await compareTwoResults(baseline, candidate, settings);
    const judged = { ...candidate, comparisons, gate };
    expect(comparisons.map((c) => c.verdict)).toEqual(['regressed', 'regressed', 'unchanged']);
    expect(gate.conclusion).toBe('fail');
    const [a, b, c] = comparisons.map((x) => x.entryId);

    const acceptance = {
      by: 'alice',
      at: '2026-01-02T03:04:05Z',
      reason: 'bigger model',
      url: 'https://x/1',
    };
    const partly = applyAcceptances(judged, [{ pattern: a!, ...acceptance }], settings.gate.failOn);
    expect(partly.comparisons!.map((x) => x.verdict)).toEqual(['accepted', 'regressed', 'unchanged']);
    expect(partly.comparisons![0]!.accepted).toEqual({ pattern: a, ...acceptance });
    expect(partly.comparisons![0]!.reason).toMatch(/^regression accepted by alice: bigger model \(was: /);
    expect(partly.gate).toMatchObject({ conclusion: 'fail', failing: [b] });

    // Everything: the unchanged entry stays unchanged (not `accepted`), the gate no longer fails.
    const all = applyAcceptances(judged, [{ pattern: '**', ...acceptance }], settings.gate.failOn);
    expect(all.comparisons!.map((x) => [x.entryId, x.verdict])).toEqual([
      [a, 'accepted'],
      [b, 'accepted'],
      [c, 'unchanged'],
    ]);
    expect(all.gate).toMatchObject({
      conclusion: 'neutral',
      failing: [],
      counts: { accepted: 2, unchanged: 1 },
    });
    // A failOn that lists `accepted` still fails on them.
    expect(applyAcceptances(judged, [{ pattern: '**', ...acceptance }], ['accepted']).gate?.conclusion).toBe(
      'fail',
    );
    // No acceptance: nothing changes.
    expect(applyAcceptances(judged, [], settings.gate.failOn)).toBe(judged);
  });
});
