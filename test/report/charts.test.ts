import { describe, expect, it } from 'vitest';
import { deltaChartSvg, latencyChartSvg } from '../../src/report/charts.js';
import type { RowView } from '../../src/report/view-model-types.js';

function row(over: Partial<RowView>): RowView {
  return {
    label: 'm · fp16 · b1',
    device: 'cpu',
    delta: '',
    deltaPct: 0,
    deltaInterval: null,
    deltaVerdict: null,
    distribution: null,
    ...over,
  } as RowView;
}

const bars = (svg: string) =>
  [...svg.matchAll(/<rect class="delta-bar ([^"]+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => ({
    cls: m[1],
    width: Number(m[3]),
  }));

describe('change-per-entry chart', () => {
  it("colours a bar by its metric's verdict, not the entry's", () => {
    // Faster by 14 % (latency improved) in an entry that failed on accuracy.
    const svg = deltaChartSvg([row({ deltaPct: -14, deltaVerdict: 'improved', verdict: 'regressed' })]);
    expect(bars(svg)[0]!.cls).toBe('v-improved');
  });

  it('keeps a 2 % change visible beside a +1300 % outlier (symmetric log axis)', () => {
    const svg = deltaChartSvg([
      row({ deltaPct: 1369, deltaVerdict: 'regressed' }),
      row({ deltaPct: 2, deltaVerdict: 'unchanged' }),
    ]);
    const [big, small] = bars(svg);
    expect(small!.width).toBeGreaterThan(20);
    expect(big!.width / small!.width).toBeLessThan(10);
    expect(svg).toContain('+1000 %');
  });
});

const NO_STORED = { baselineQuantiles: null, baselineSamples: null, baselineLabel: 'baseline' };

describe('latency distribution chart', () => {
  it('never draws an axis below zero, and goes logarithmic when samples span decades', () => {
    const tight = latencyChartSvg(
      row({
        distribution: {
          ...NO_STORED,
          samples: [0.01, 0.02, 0.05, 0.011],
          baselineP50: 0.012,
          baselineP99: 0.04,
        },
      }),
    );
    expect(tight).not.toMatch(/>-\d|>−\d/);
    const wide = latencyChartSvg(
      row({
        distribution: {
          ...NO_STORED,
          samples: [1, 1.1, 1.2, 1.05, 1.3, 40, 45, 50],
          baselineP50: 1.1,
          baselineP99: 2,
        },
      }),
    );
    expect(wide).toContain('log scale');
    expect(wide).toContain('class="median-base"');
  });
});

describe('baseline distribution in report.html', () => {
  it('overlays the stored runs’ distribution on the latest run’s, with how many samples it summarises', async () => {
    const { compareResults, lookupFromResults } = await import('../../src/gate/compare-results.js');
    const { renderReport } = await import('../../src/report/render.js');
    const { makeEntry, makeResults } = await import('../store/helpers.js');
    const around = (center: number, n: number) =>
      Array.from({ length: n }, (_, i) => center * (1 + 0.05 * Math.sin(i * 1.7)));
    const baseline = makeResults({ runId: 'base', entries: [makeEntry({ samples: around(2, 300) })] });
    const candidate = makeResults({ runId: 'cand', entries: [makeEntry({ samples: around(2.6, 300) })] });
    const report = await compareResults(candidate, lookupFromResults(baseline), {
      thresholds: { 'latency.p50': { model: 'percentage', maxRegressionPct: 10 } },
      gate: { failOn: ['regressed', 'failed'] },
    } as never);
    const stored = report.comparisons[0]!.baselineLatency!;
    expect(stored).toMatchObject({ samples: 300, runs: 1 });
    expect(stored.quantiles).toHaveLength(101);
    expect(stored.quantiles[50]).toBeCloseTo(2, 1);
    const html = renderReport('html', { ...candidate, comparisons: report.comparisons, gate: report.gate });
    expect(html).toContain('class="outline"'); // the baseline's histogram, not only its median marks
    expect(html).toMatch(/baseline \(1 run\): p50 2\.\d\d ms, p99 2\.\d\d ms, 300 samples/);
  });
});

describe('accuracy chart', () => {
  it('draws 1 − cosine on a log axis, so 0.99999 and 0.97 are a visible distance apart, coloured by the check', async () => {
    const { accuracyChartSvg } = await import('../../src/report/charts.js');
    expect(accuracyChartSvg([{ name: 'cpu', rows: [row({})] }])).toBe('');
    const svg = accuracyChartSvg([
      {
        name: 'cpu',
        rows: [
          row({ label: 'a', accuracyValues: { cosine: 0.99999, top1: 1 }, accuracyPassed: true }),
          row({ label: 'b', accuracyValues: { cosine: 0.97, top1: 0.812 }, accuracyPassed: false }),
        ],
      },
    ]);
    expect(svg).toContain('<h2>Accuracy against fp32</h2>');
    const [good, bad] = [
      ...svg.matchAll(/<rect class="acc-bar ([^"]+)" x="[\d.]+" y="[\d.]+" width="([\d.]+)"/g),
    ].map((m) => ({ cls: m[1], width: Number(m[2]) }));
    expect(good!.cls).toBe('v-unchanged');
    expect(bad!.cls).toBe('v-regressed');
    expect(bad!.width).toBeGreaterThan(good!.width + 100);
    expect(svg).toContain('cos 0.9700 · top-1 81.2 %');
  });
});
