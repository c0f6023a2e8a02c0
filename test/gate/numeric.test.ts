import { quantileSorted } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  normalQuantile,
  orderStatisticPair,
  quantileInPlace,
  quantilePair,
  robustSd,
  select,
} from '../../src/gate/numeric.js';
import { createRng, deriveRng } from '../../src/gate/rng.js';
import { lognormal } from './helpers.js';

const sortedCopy = (a: Float64Array): number[] => Array.from(a).sort((x, y) => x - y);

describe('numeric helpers', () => {
  it('select finds the k-th smallest, ties and all', () => {
    const rng = createRng(1);
    for (const n of [1, 2, 3, 10, 101, 2000]) {
      const values = Float64Array.from({ length: n }, () => Math.round(rng.next() * 20));
      const sorted = sortedCopy(values);
      for (const k of [0, Math.floor(n / 3), n - 1]) {
        expect(select(values.slice(), k)).toBe(sorted[k]);
      }
    }
  });

  it('orderStatisticPair agrees with sorting in the tails and the middle', () => {
    const values = Float64Array.from(lognormal(createRng(2), 2048, 10, 0.4));
    const sorted = sortedCopy(values);
    for (const [k1, k2] of [
      [0, 5],
      [3, 40],
      [900, 1150],
      [2013, 2041],
      [2000, 2047],
    ] as const) {
      expect(orderStatisticPair(values.slice(), k1, k2)).toEqual([sorted[k1], sorted[k2]]);
    }
  });

  it('quantileInPlace and quantilePair match simple-statistics (type 7)', () => {
    const values = lognormal(createRng(3), 2000, 5, 0.3);
    const sorted = [...values].sort((x, y) => x - y);
    for (const p of [0, 0.005, 0.01, 0.5, 0.99, 0.995, 1]) {
      expect(quantileInPlace(Float64Array.from(values), p)).toBeCloseTo(quantileSorted(sorted, p), 12);
    }
    for (const [lo, hi] of [
      [0.005, 0.995],
      [0.025, 0.975],
      [0.25, 0.75],
    ] as const) {
      const [a, b] = quantilePair(Float64Array.from(values), lo, hi);
      expect(a).toBeCloseTo(quantileSorted(sorted, lo), 12);
      expect(b).toBeCloseTo(quantileSorted(sorted, hi), 12);
    }
  });

  it('normalQuantile matches known values', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.575829, 5);
  });

  it('robustSd is near the true sd for normal data and ignores one outlier', () => {
    const rng = createRng(4);
    const data = Array.from(
      { length: 2000 },
      () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()),
    );
    expect(robustSd(data)).toBeGreaterThan(0.93);
    expect(robustSd(data)).toBeLessThan(1.07);
    expect(robustSd([1, 1.01, 0.99, 1.0, 5])).toBeLessThan(0.03);
  });

  it('seeded generators repeat and differ by seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(deriveRng(1, 'e', 'm').uint32()).toBe(deriveRng(1, 'e', 'm').uint32());
    expect(deriveRng(1, 'e', 'm').uint32()).not.toBe(deriveRng(1, 'e', 'n').uint32());
  });
});
