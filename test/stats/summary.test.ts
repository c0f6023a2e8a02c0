import { describe, expect, it } from 'vitest';
import { pool, summarize } from '../../src/stats/summary.js';

describe('summarize', () => {
  it('matches hand-computed values for 1..10', () => {
    // simple-statistics 7.12 quantileSorted is linear interpolation (R type 7, numpy default):
    // idx = (n − 1)·p; value = x[floor(idx)] + frac(idx)·(x[ceil(idx)] − x[floor(idx)]).
    // With n = 10 and x[i] = i + 1:
    //   p50: idx = 9·0.50 = 4.5  → 5 + 0.5·(6 − 5)  = 5.5
    //   p90: idx = 9·0.90 = 8.1  → 9 + 0.1·(10 − 9) = 9.1
    //   p95: idx = 9·0.95 = 8.55 → 9 + 0.55        = 9.55
    //   p99: idx = 9·0.99 = 8.91 → 9 + 0.91        = 9.91
    // mean = 55 / 10 = 5.5
    // Σ(x − 5.5)² = 2·(4.5² + 3.5² + 2.5² + 1.5² + 0.5²) = 2·41.25 = 82.5
    // sample stddev = √(82.5 / 9) = √9.1666… = 3.0276503540974917; cv = 3.02765… / 5.5
    const s = summarize([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.count).toBe(10);
    expect(s.min).toBe(1);
    expect(s.max).toBe(10);
    expect(s.mean).toBe(5.5);
    expect(s.median).toBe(5.5);
    expect(s.p90).toBeCloseTo(9.1, 12);
    expect(s.p95).toBeCloseTo(9.55, 12);
    expect(s.p99).toBeCloseTo(9.91, 12);
    expect(s.stddev).toBeCloseTo(Math.sqrt(82.5 / 9), 12);
    expect(s.stddev).toBeCloseTo(3.0276503540974917, 12);
    expect(s.cv).toBeCloseTo(Math.sqrt(82.5 / 9) / 5.5, 12);
  });

  it('sorts its input numerically (not as strings) and does not modify it', () => {
    // Sorted: [2, 3, 10, 100]; n = 4, idx(p50) = 3·0.5 = 1.5 → 3 + 0.5·(10 − 3) = 6.5.
    // (String order would be [10, 100, 2, 3].)
    // p90: idx = 2.7 → 10 + 0.7·90 = 73. mean = 115 / 4 = 28.75.
    const input = [100, 3, 10, 2];
    const s = summarize(input);
    expect(input).toEqual([100, 3, 10, 2]);
    expect(s.min).toBe(2);
    expect(s.max).toBe(100);
    expect(s.median).toBeCloseTo(6.5, 12);
    expect(s.p90).toBeCloseTo(73, 12);
    expect(s.mean).toBe(28.75);
  });

  it('an odd count has the middle value as median', () => {
    // n = 5, idx(p50) = 4·0.5 = 2 → x[2] = 3; p90: idx = 3.6 → 4 + 0.6·(50 − 4) = 31.6.
    const s = summarize([50, 1, 3, 2, 4]);
    expect(s.median).toBe(3);
    expect(s.p90).toBeCloseTo(31.6, 12);
  });

  it('a single sample: every statistic is the sample, stddev and cv are 0', () => {
    const s = summarize([0.25]);
    expect(s).toEqual({
      count: 1,
      min: 0.25,
      max: 0.25,
      mean: 0.25,
      median: 0.25,
      p90: 0.25,
      p95: 0.25,
      p99: 0.25,
      stddev: 0,
      cv: 0,
    });
  });

  it('identical samples have stddev 0', () => {
    const s = summarize([2, 2, 2, 2]);
    expect(s.stddev).toBe(0);
    expect(s.cv).toBe(0);
    expect(s.p99).toBe(2);
  });

  it('refuses no samples', () => {
    expect(() => summarize([])).toThrow(RangeError);
    expect(() => summarize([])).toThrow(/no samples/);
  });

  it('refuses NaN and infinite samples', () => {
    expect(() => summarize([1, Number.NaN, 3])).toThrow(RangeError);
    expect(() => summarize([1, Number.NaN, 3])).toThrow(/non-finite sample NaN/);
    expect(() => summarize([1, Number.POSITIVE_INFINITY])).toThrow(/non-finite sample Infinity/);
    expect(() => summarize([Number.NEGATIVE_INFINITY])).toThrow(RangeError);
  });
});

describe('pool', () => {
  it('concatenates trials in order', () => {
    expect(pool([[1, 2], [3], [4, 5, 6]])).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('of no trials (or empty trials) is empty', () => {
    expect(pool([])).toEqual([]);
    expect(pool([[], []])).toEqual([]);
  });

  it('does not alias its input', () => {
    const trials = [[1], [2]];
    const pooled = pool(trials);
    pooled.push(3);
    expect(trials).toEqual([[1], [2]]);
  });

  it('pooled summary differs from per-trial summaries', () => {
    // Trials [1,2] and [9,10]: pooled = [1,2,9,10], median idx 1.5 → 2 + 0.5·7 = 5.5.
    const trials = [
      [1, 2],
      [9, 10],
    ];
    expect(summarize(pool(trials)).median).toBe(5.5);
    expect(summarize(trials[0]!).median).toBe(1.5);
    expect(summarize(trials[1]!).median).toBe(9.5);
  });
});
