import { describe, expect, it } from 'vitest';
import { countNonFinite, outputMetrics, worstOf } from '../../src/accuracy/metrics.js';
import type { AccuracyMetrics } from '../../src/results/schema.js';

const f = (...values: number[]) => Float64Array.from(values);

describe('outputMetrics', () => {
  it('identical outputs: every error 0, cosine 1', () => {
    const ref = [f(0.1, -2, 3.5, 0), f(7, 8, -9, 1e-6)];
    const cand = ref.map((r) => r.slice());
    const m = outputMetrics({ reference: ref, candidate: cand, dims: [4], classifier: false });
    expect(m).toEqual({ maxAbsError: 0, meanAbsError: 0, mse: 0, maxRelError: 0, cosine: 1 });
  });

  it('matches a hand-computed small case', () => {
    // ref  = [1, 2, 3,   4], cand = [1.1, 2, 2.5, 4]
    // |d|  = [0.1, 0, 0.5, 0]              → maxAbs 0.5, meanAbs 0.6 / 4 = 0.15
    // d²   = [0.01, 0, 0.25, 0]            → mse 0.26 / 4 = 0.065
    // rel floor = max(1e-3 · 4, 1e-12) = 0.004; |d| / max(|r|, floor) = [0.1, 0, 0.1666…, 0] → 1/6
    // dot = 1.1 + 4 + 7.5 + 16 = 28.6; |r|² = 30; |c|² = 1.21 + 4 + 6.25 + 16 = 27.46
    // cosine = 28.6 / √(30 · 27.46) = 28.6 / √823.8 = 28.6 / 28.70192… ≈ 0.996449
    const m = outputMetrics({
      reference: [f(1, 2, 3, 4)],
      candidate: [f(1.1, 2, 2.5, 4)],
      dims: [4],
      classifier: false,
    });
    expect(m.maxAbsError).toBeCloseTo(0.5, 12);
    expect(m.meanAbsError).toBeCloseTo(0.15, 12);
    expect(m.mse).toBeCloseTo(0.065, 12);
    expect(m.maxRelError).toBeCloseTo(1 / 6, 12);
    expect(m.cosine).toBeCloseTo(28.6 / Math.sqrt(823.8), 12);
    expect(m.cosine).toBeCloseTo(0.996449, 6);
    expect(m.top1Agreement).toBeUndefined();
    expect(m.top5Agreement).toBeUndefined();
  });

  it('averages errors over every value of every sample', () => {
    // Sample 0: |d| = [1, 0]; sample 1: |d| = [0, 3] → meanAbs = 4 / 4 = 1, mse = (1 + 9) / 4 = 2.5.
    const m = outputMetrics({
      reference: [f(1, 1), f(1, 1)],
      candidate: [f(2, 1), f(1, 4)],
      dims: [2],
      classifier: false,
    });
    expect(m.maxAbsError).toBe(3);
    expect(m.meanAbsError).toBe(1);
    expect(m.mse).toBe(2.5);
  });

  it('floors the relative-error denominator near zero (1e-3 · max|ref|)', () => {
    // ref 0 next to ref 1000: floor = 1 → 0.5 / 1 = 0.5, not 0.5 / 0 = Infinity.
    const m = outputMetrics({
      reference: [f(0, 1000)],
      candidate: [f(0.5, 1000)],
      dims: [2],
      classifier: false,
    });
    expect(m.maxRelError).toBeCloseTo(0.5, 12);
    expect(Number.isFinite(m.maxRelError)).toBe(true);
  });

  it('orthogonal vectors have cosine 0', () => {
    const m = outputMetrics({
      reference: [f(1, 0, 0)],
      candidate: [f(0, 5, 0)],
      dims: [3],
      classifier: false,
    });
    expect(m.cosine).toBeCloseTo(0, 12);
  });

  it('opposite vectors have cosine -1', () => {
    const m = outputMetrics({ reference: [f(1, 2)], candidate: [f(-1, -2)], dims: [2], classifier: false });
    expect(m.cosine).toBeCloseTo(-1, 12);
  });

  it('cosine is the worst sample, and scale does not matter', () => {
    const m = outputMetrics({
      reference: [f(1, 2, 3), f(1, 0)],
      candidate: [f(2, 4, 6), f(0, 1)],
      dims: [3],
      classifier: false,
    });
    expect(m.cosine).toBeCloseTo(0, 12);
    const scaled = outputMetrics({
      reference: [f(1, 2, 3)],
      candidate: [f(2, 4, 6)],
      dims: [3],
      classifier: false,
    });
    expect(scaled.cosine).toBeCloseTo(1, 12);
  });

  it('all-zero outputs: cosine 1 when both are zero, 0 when only one is', () => {
    expect(
      outputMetrics({ reference: [f(0, 0)], candidate: [f(0, 0)], dims: [2], classifier: false }).cosine,
    ).toBe(1);
    expect(
      outputMetrics({ reference: [f(0, 0)], candidate: [f(1, 0)], dims: [2], classifier: false }).cosine,
    ).toBe(0);
    expect(
      outputMetrics({ reference: [f(1, 0)], candidate: [f(0, 0)], dims: [2], classifier: false }).cosine,
    ).toBe(0);
  });

  it('top-1/top-5 agreement over batch rows of every sample', () => {
    // dims [2, 6]: each sample holds two rows of six class scores.
    const reference = [
      // row 0: best class 0;            row 1: best class 5
      f(9, 1, 2, 3, 4, 5, /**/ 0, 1, 2, 3, 4, 9),
      // row 0: best class 2;            row 1: best class 3
      f(0, 1, 9, 3, 4, 5, /**/ 0, 1, 2, 9, 4, 5),
    ];
    const candidate = [
      // row 0: best 0 → top-1 ✓ top-5 ✓; row 1: best 1, class 5 second → top-1 ✗ top-5 ✓
      f(8, 1, 2, 3, 4, 5, /**/ 0, 9, 2, 3, 4, 8),
      // row 0: class 2 is the lowest of six → top-1 ✗ top-5 ✗; row 1: best 3 → ✓ ✓
      f(6, 5, 0, 3, 4, 2, /**/ 0, 1, 2, 9, 4, 5),
    ];
    const m = outputMetrics({ reference, candidate, dims: [2, 6], classifier: true });
    // 4 rows: top-1 matches 2 (0.5), top-5 matches 3 (0.75).
    expect(m.top1Agreement).toBe(0.5);
    expect(m.top5Agreement).toBe(0.75);
  });

  it('top-k ties go to the lowest class index', () => {
    // Reference ties classes 1 and 3 → its top-1 is class 1; the candidate's best is 3 → no top-1.
    const m = outputMetrics({
      reference: [f(0, 5, 0, 5, 0)],
      candidate: [f(0, 4, 0, 5, 0)],
      dims: [1, 5],
      classifier: true,
    });
    expect(m.top1Agreement).toBe(0);
    expect(m.top5Agreement).toBe(1);
  });

  it('top-5 with fewer than 5 classes uses every class', () => {
    const m = outputMetrics({
      reference: [f(1, 2, 3)],
      candidate: [f(3, 2, 1)],
      dims: [1, 3],
      classifier: true,
    });
    expect(m.top1Agreement).toBe(0);
    expect(m.top5Agreement).toBe(1);
  });

  it('refuses mismatched sample counts and lengths', () => {
    expect(() => outputMetrics({ reference: [f(1)], candidate: [], dims: [1], classifier: false })).toThrow(
      RangeError,
    );
    expect(() => outputMetrics({ reference: [], candidate: [], dims: [1], classifier: false })).toThrow(
      RangeError,
    );
    expect(() =>
      outputMetrics({ reference: [f(1, 2)], candidate: [f(1)], dims: [2], classifier: false }),
    ).toThrow(/sample 0/);
  });
});

describe('countNonFinite', () => {
  it('counts NaN and ±Infinity across samples', () => {
    expect(countNonFinite([f(1, Number.NaN), f(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0)])).toBe(
      3,
    );
    expect(countNonFinite([f(1, 2), f()])).toBe(0);
  });
});

describe('worstOf', () => {
  it('takes the max of errors and the min of similarities', () => {
    const a: AccuracyMetrics = {
      maxAbsError: 1,
      meanAbsError: 0.5,
      mse: 0.1,
      maxRelError: 0.3,
      cosine: 0.9,
      top1Agreement: 1,
      top5Agreement: 0.8,
    };
    const b: AccuracyMetrics = {
      maxAbsError: 2,
      meanAbsError: 0.25,
      mse: 0.2,
      maxRelError: 0.1,
      cosine: 0.95,
      top1Agreement: 0.5,
      top5Agreement: 1,
    };
    expect(worstOf([a, b])).toEqual({
      maxAbsError: 2,
      meanAbsError: 0.5,
      mse: 0.2,
      maxRelError: 0.3,
      cosine: 0.9,
      top1Agreement: 0.5,
      top5Agreement: 0.8,
    });
    expect(worstOf([b, a])).toEqual(worstOf([a, b]));
  });

  it('keeps a metric only some outputs have', () => {
    const plain: AccuracyMetrics = { maxAbsError: 0, meanAbsError: 0, mse: 0, maxRelError: 0, cosine: 1 };
    const classifier: AccuracyMetrics = { ...plain, top1Agreement: 0.75 };
    expect(worstOf([plain, classifier])?.top1Agreement).toBe(0.75);
    expect(worstOf([plain])).not.toHaveProperty('top1Agreement');
  });

  it('of nothing is null', () => {
    expect(worstOf([])).toBeNull();
  });
});
