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

describe('latency distribution chart', () => {
  it('never draws an axis below zero, and goes logarithmic when samples span decades', () => {
    const tight = latencyChartSvg(
      row({ distribution: { samples: [0.01, 0.02, 0.05, 0.011], baselineP50: 0.012, baselineP99: 0.04 } }),
    );
    expect(tight).not.toMatch(/>-\d|>−\d/);
    const wide = latencyChartSvg(
      row({
        distribution: { samples: [1, 1.1, 1.2, 1.05, 1.3, 40, 45, 50], baselineP50: 1.1, baselineP99: 2 },
      }),
    );
    expect(wide).toContain('log scale');
    expect(wide).toContain('class="median-base"');
  });
});
