import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/config/schema.js';
import { buildViewModel, formatDeltaPct, formatSig, VERDICT_ORDER } from '../../src/report/view-model.js';
import {
  gate,
  makeComparison,
  makeEntry,
  makeResults,
  metric,
  mixedResults,
  passingAccuracy,
  samples,
} from './helpers.js';

describe('formatting', () => {
  it('formats Δ% with its interval', () => {
    expect(formatDeltaPct(7.94, [5.08, 10.8])).toBe('+7.9 % [+5.1, +10.8]');
    expect(formatDeltaPct(-3.21, [-5, -1.44])).toBe('-3.2 % [-5.0, -1.4]');
    expect(formatDeltaPct(0.02)).toBe('0.0 %');
    expect(formatDeltaPct(null)).toBe('—');
  });

  it('formats milliseconds to 3 significant digits', () => {
    expect(formatSig(5)).toBe('5.00');
    expect(formatSig(12.345)).toBe('12.3');
    expect(formatSig(0.012345)).toBe('0.0123');
    expect(formatSig(1234.5)).toBe('1,235'); // counts and sizes from 1000 up: whole, grouped
    expect(formatSig(undefined)).toBe('—');
  });
});

describe('buildViewModel', () => {
  it('orders rows regressed, failed, inconclusive, mismatch, no-baseline, accepted, improved, unchanged', () => {
    const verdicts: Verdict[] = [
      'unchanged',
      'improved',
      'accepted',
      'no-baseline',
      'environment-mismatch',
      'inconclusive',
      'failed',
      'regressed',
    ];
    const entries = verdicts.map((_, i) => makeEntry({ model: `m${i}` }));
    const comparisons = entries.map((e, i) => makeComparison(e, { verdict: verdicts[i]! }));
    const view = buildViewModel(makeResults({ entries, comparisons, gate: gate('fail', comparisons) }));
    expect(view.devices[0]?.rows.map((r) => r.verdict)).toEqual(VERDICT_ORDER);
    expect(view.devices[0]?.rows[0]?.verdictText).toBe('❌ regressed');
  });

  it('summarises a mixed run', () => {
    const view = buildViewModel(mixedResults());
    expect(view.conclusion).toBe('fail');
    expect(view.headline).toBe('❌ Regression gate failed: 1 regressed, 2 failed, 1 improved, 1 unchanged');
    const rows = view.devices[0]!.rows;
    const regressed = rows[0]!;
    expect(regressed.verdict).toBe('regressed');
    expect(regressed.delta).toBe('+7.9 % [+5.1, +10.8]');
    expect(regressed.explanation).toContain('+7.9 %');
    expect(regressed.layers.map((l) => l.name)).toEqual(['conv1', 'fc']);
    expect(regressed.p50).toMatch(/^\d\.\d\d$/);
    const int8 = rows.find((r) => r.precision === 'int8')!;
    expect(int8.accuracy).toBe('❌ cos 0.9812 · top-1 81.3 %');
    expect(int8.incidents.map((i) => i.kind)).toContain('accuracy-degradation');
    const unchanged = rows.at(-1)!;
    expect(unchanged.verdict).toBe('unchanged');
    expect(unchanged.explanation).toBeNull();
    expect(unchanged.accuracy).toBe('cos 0.9999 · top-1 100.0 %');
    expect(view.failing).toHaveLength(3);
    expect(view.failing[0]).toContain(' · fp16 · b8');
  });

  it('shows the metric when the Δ is not the p50', () => {
    const entry = makeEntry();
    const comparison = makeComparison(entry, {
      verdict: 'regressed',
      metrics: [
        metric('latency.p50', { baseline: 2, deltaPct: 1 }),
        metric('latency.p99', { baseline: 2, deltaPct: 20, interval: [12, 30], verdict: 'regressed' }),
      ],
    });
    const row = buildViewModel(makeResults({ entries: [entry], comparisons: [comparison] })).devices[0]!
      .rows[0]!;
    expect(row.delta).toBe('+20.0 % [+12.0, +30.0] (p99)');
  });

  it('renders a plain run without comparisons', () => {
    const view = buildViewModel(makeResults({ entries: [makeEntry({ accuracy: passingAccuracy() })] }));
    expect(view.conclusion).toBeNull();
    expect(view.hasComparisons).toBe(false);
    expect(view.headline).toBe('📊 Benchmark results: 1 entry, no baseline comparison');
    const row = view.devices[0]!.rows[0]!;
    expect(row.verdict).toBeNull();
    expect(row.verdictText).toBe('—');
    expect(row.delta).toBe('—');
    expect(row.explanation).toBeNull();
  });

  it('groups an aggregate of several results by device and merges their gates', () => {
    const a = mixedResults({ device: 'NVIDIA H100 80GB HBM3', runId: 'gpu' });
    const entry = makeEntry({ trials: [samples({ median: 9 })] });
    const cmp = makeComparison(entry, { verdict: 'unchanged' });
    const b = makeResults({ entries: [entry], comparisons: [cmp], gate: gate('pass', [cmp]), runId: 'cpu' });
    const view = buildViewModel([a, b]);
    expect(view.devices.map((d) => d.name)).toEqual(['NVIDIA H100 80GB HBM3', 'Test CPU']);
    expect(view.conclusion).toBe('fail');
    expect(view.counts.find((c) => c.verdict === 'unchanged')?.count).toBe(2);
    expect(view.runs.map((r) => r.runId)).toEqual(['gpu', 'cpu']);
    expect(buildViewModel([b]).conclusion).toBe('pass');
  });
});
