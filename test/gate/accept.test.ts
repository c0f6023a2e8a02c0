import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/config/schema.js';
import {
  type Acceptance,
  applyAcceptances,
  entryGlob,
  parseAcceptCommands,
  regressionPct,
  suggestedAccept,
} from '../../src/gate/accept.js';
import { compareResults, lookupFromResults } from '../../src/gate/compare-results.js';
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
      {
        pattern: 'tinycnn/fp16/*',
        problem: expect.stringMatching(/^it names no commit: write \/trt-gate accept <entry-glob> @<commit>/),
      },
      { pattern: 'mlp/**', problem: expect.stringMatching(/^it names no commit/) },
    ]);
  });

  it('binds a command to a commit and optionally a size; the options come before the reason', () => {
    const body = [
      '/trt-gate accept tinycnn/** @4F9C1D7 --up-to 12% bigger backbone @home',
      '/trt-gate accept a/* --up-to=+7.5 @4f9c1d7e2b8a6c3f0e5d9b1a7c2e8f4d6b0a3c5e',
      '/trt-gate accept b/* @\u200D4f9c1d7',
      '/trt-gate accept c/* @4f9c --up-to 5%',
      '/trt-gate accept d/* @4f9c1d7 --up-to lots',
      '/trt-gate accept e/* @4f9c1d7 --up-to 0%',
      '/trt-gate accept f/* @4f9c1d7 --up-to',
    ].join('\n');
    expect(parseAcceptCommands(body)).toEqual([
      { pattern: 'tinycnn/**', commit: '4f9c1d7', upToPct: 12, reason: 'bigger backbone @home' },
      { pattern: 'a/*', commit: '4f9c1d7e2b8a6c3f0e5d9b1a7c2e8f4d6b0a3c5e', upToPct: 7.5, reason: '' },
      { pattern: 'b/*', commit: '4f9c1d7', reason: '' },
      { pattern: 'c/*', problem: '@4f9c is not a commit (7 to 40 hex digits)' },
      { pattern: 'd/*', problem: expect.stringMatching(/^--up-to expects a percentage .* got "lots"$/) },
      { pattern: 'e/*', problem: expect.stringMatching(/^--up-to expects a percentage .* got "0%"$/) },
      { pattern: 'f/*', problem: expect.stringMatching(/^--up-to expects a percentage .* got ""$/) },
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
    const { comparisons, gate } = await compareResults(candidate, lookupFromResults(baseline), settings);
    const judged = { ...candidate, comparisons, gate };
    expect(comparisons.map((c) => c.verdict)).toEqual(['regressed', 'regressed', 'unchanged']);
    expect(gate.conclusion).toBe('fail');
    const [a, b, c] = comparisons.map((x) => x.entryId);

    const acceptance = {
      commit: 'c0ffee1',
      by: 'alice',
      at: '2026-01-02T03:04:05Z',
      reason: 'bigger model',
      url: 'https://x/1',
    };
    const head = 'c0ffee1234567890c0ffee1234567890c0ffee12';
    const partly = applyAcceptances(
      judged,
      [{ pattern: a!, ...acceptance }],
      settings.gate.failOn,
      head,
    ).results;
    expect(partly.comparisons!.map((x) => x.verdict)).toEqual(['accepted', 'regressed', 'unchanged']);
    expect(partly.comparisons![0]!.accepted).toEqual({ pattern: a, ...acceptance });
    expect(partly.comparisons![0]!.reason).toMatch(/^regression accepted by alice: bigger model \(was: /);
    expect(partly.gate).toMatchObject({ conclusion: 'fail', failing: [b] });

    // Everything: the unchanged entry stays unchanged (not `accepted`), the gate no longer fails.
    const all = applyAcceptances(
      judged,
      [{ pattern: '**', ...acceptance }],
      settings.gate.failOn,
      head,
    ).results;
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
    expect(
      applyAcceptances(judged, [{ pattern: '**', ...acceptance }], ['accepted'], head).results.gate
        ?.conclusion,
    ).toBe('fail');
    // No acceptance: nothing changes.
    expect(applyAcceptances(judged, [], settings.gate.failOn, head).results).toBe(judged);
  });

  it('is bound to the commit measured unless it gives a size, and a size bounds it at every commit', async () => {
    const mk = (median: number, seed: string) =>
      makeEntry({ key: { model: 'a' }, trials: latencyTrials({ seed, median }) });
    const judge = async (median: number) => {
      const baseline = makeResults([mk(10, 'a1')], 'base');
      const candidate = makeResults([mk(median, 'a2')]);
      const { comparisons, gate } = await compareResults(candidate, lookupFromResults(baseline), settings);
      return { ...candidate, comparisons, gate };
    };
    const plus40 = await judge(14);
    const size = regressionPct(plus40.comparisons[0]!)!;
    expect(size).toBeGreaterThan(30);
    const at = { pattern: '**', by: 'alice', at: '2026-01-02T03:04:05Z', reason: '' };
    const old = 'aaaaaaa1111111111111111111111111111111111';
    const head = 'bbbbbbb2222222222222222222222222222222222';
    const verdict = (a: Acceptance, results = plus40, commit: string | undefined = head) =>
      applyAcceptances(results, [a], settings.gate.failOn, commit);

    // Given on the old head, no bound: not accepted for the new one, saying why.
    const moved = verdict({ ...at, commit: 'aaaaaaa' });
    expect(moved.results.comparisons![0]!.verdict).toBe('regressed');
    expect(moved.notApplied[0]!.why).toBe(
      'given for commit aaaaaaa, but these results are of commit bbbbbbb22222: accept again for it, or give --up-to',
    );
    expect(moved.results.comparisons![0]!.reason).toMatch(/\(not accepted: given for commit aaaaaaa/);
    expect(verdict({ ...at, commit: 'aaaaaaa' }, plus40, old).results.comparisons![0]!.verdict).toBe(
      'accepted',
    );
    expect(verdict({ ...at, commit: 'aaaaaaa' }, plus40, undefined).results.comparisons![0]!.verdict).toBe(
      'regressed',
    );
    // With a bound it carries over to later commits while the regression stays within it ...
    const within = verdict({ ...at, commit: 'aaaaaaa', upToPct: Math.ceil(size) });
    expect(within.results.comparisons![0]!).toMatchObject({
      verdict: 'accepted',
      accepted: { commit: 'aaaaaaa', upToPct: Math.ceil(size) },
    });
    // ... and not beyond it, on the accepted commit too.
    const beyond = verdict({ ...at, commit: 'bbbbbbb', upToPct: 10 });
    expect(beyond.results.comparisons![0]!.verdict).toBe('regressed');
    expect(beyond.notApplied[0]!.why).toMatch(/^accepted up to \+10 %, but it is now \+\d+(\.\d)? %$/);
    expect(beyond.results.gate).toMatchObject({ conclusion: 'fail' });
    // A second acceptance that holds wins over one that does not.
    const both = applyAcceptances(
      plus40,
      [
        { ...at, commit: 'bbbbbbb', upToPct: 10 },
        { ...at, commit: 'bbbbbbb', by: 'bob' },
      ],
      settings.gate.failOn,
      head,
    );
    expect(both.results.comparisons![0]!.accepted?.by).toBe('bob');
    expect(suggestedAccept(plus40.comparisons[0]!, head)).toBe(
      `/trt-gate accept ${plus40.comparisons[0]!.entryId} @bbbbbbb22222 --up-to ${Math.ceil(size + 1)}% <reason>`,
    );
  });
});
