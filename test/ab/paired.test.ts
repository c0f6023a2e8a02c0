import { describe, expect, it } from 'vitest';
import { judgePaired } from '../../src/ab/paired.js';
import { BalancedSchedule } from '../../src/ab/schedule.js';
import { signedRankCritical, signedRankInterval } from '../../src/ab/signed-rank.js';
import { createRng } from '../../src/gate/rng.js';
import { mulberry32, normalSource } from '../../src/util/prng.js';

function normals(seed: number, n: number, mean: number, sd: number): number[] {
  const draw = normalSource(mulberry32(seed));
  return Array.from({ length: n }, () => mean + sd * draw());
}

describe('signed-rank interval', () => {
  it('uses the tabulated critical values', () => {
    // Wilcoxon signed-rank tables, two-sided: n = 10 at 95 % rejects for T <= 8; n = 20 at 99 % for T <= 37.
    expect(signedRankCritical(10, 0.95)).toBe(9);
    expect(signedRankCritical(20, 0.99)).toBe(38);
    // 2^-7 = 0.0078 > 0.005: seven pairs cannot give a 99 % interval, eight can.
    expect(signedRankCritical(7, 0.99)).toBe(0);
    expect(signedRankCritical(8, 0.99)).toBe(1);
  });

  it('the normal approximation continues the exact values', () => {
    const exact = signedRankCritical(300, 0.99);
    const approx = signedRankCritical(301, 0.99);
    expect(approx - exact).toBeGreaterThan(0);
    expect(approx - exact).toBeLessThan(400);
  });

  it('Hodges–Lehmann of a symmetric sample is its centre', () => {
    const r = signedRankInterval([1, 2, 3, 4, 5], 0.8);
    expect(r.estimate).toBe(3);
    expect(r.interval).not.toBeNull();
  });

  it('covers the true centre at the stated rate (seeded simulation)', () => {
    let covered = 0;
    const runs = 400;
    for (let s = 0; s < runs; s++) {
      const r = signedRankInterval(normals(1000 + s, 15, 0.05, 0.02), 0.95);
      if (r.interval && r.interval[0] <= 0.05 && r.interval[1] >= 0.05) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.92);
    expect(covered / runs).toBeLessThan(0.985);
  });

  it('too few pairs give no interval', () => {
    expect(signedRankInterval([0.1, 0.2], 0.99).interval).toBeNull();
  });
});

describe('judgePaired', () => {
  const base = { minEffectPct: 5, confidence: 0.99, direction: 'lower' as const };

  it('a 10 % slowdown with 2 % block noise is regressed', () => {
    const j = judgePaired({ ...base, ab: normals(1, 24, Math.log(1.1), 0.02), aa: normals(2, 24, 0, 0.02) });
    expect(j.verdict).toBe('regressed');
    expect(j.deltaPct).toBeGreaterThan(7);
    expect(j.deltaPct).toBeLessThan(13);
    expect(j.aa?.noisePct).toBeLessThan(5);
  });

  it('no change is unchanged, and a speed-up is improved', () => {
    expect(judgePaired({ ...base, ab: normals(3, 24, 0, 0.02), aa: normals(4, 24, 0, 0.02) }).verdict).toBe(
      'unchanged',
    );
    expect(
      judgePaired({ ...base, ab: normals(5, 24, Math.log(0.85), 0.02), aa: normals(6, 24, 0, 0.02) }).verdict,
    ).toBe('improved');
  });

  it('a change at the threshold is inconclusive', () => {
    const j = judgePaired({ ...base, ab: normals(7, 24, Math.log(1.05), 0.03), aa: normals(8, 24, 0, 0.01) });
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(/straddles/);
  });

  it('an A/A control noisier than the threshold makes an unchanged-looking change inconclusive', () => {
    // The arms of the same model differ by ~8 %: a 4 % change cannot be told from arm bias.
    const j = judgePaired({
      ...base,
      ab: normals(9, 24, Math.log(1.03), 0.01),
      aa: normals(10, 24, Math.log(1.08), 0.01),
    });
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(/A\/A control differs by up to 8\.\d%/);
    expect(j.thresholdPct).toBeGreaterThan(7);
  });

  it('an effect that clears the threshold but not the A/A noise is inconclusive', () => {
    const j = judgePaired({
      ...base,
      ab: normals(15, 40, Math.log(1.1), 0.01),
      aa: normals(16, 40, Math.log(1.14), 0.01),
    });
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(/as much as the effect/);
  });

  it('an effect far beyond a noisy A/A control still counts', () => {
    const j = judgePaired({
      ...base,
      ab: normals(11, 24, Math.log(1.3), 0.01),
      aa: normals(12, 24, Math.log(1.08), 0.01),
    });
    expect(j.verdict).toBe('regressed');
    expect(j.reason).toMatch(/A\/A control/);
  });

  it('an inconclusive judgement projects the pairs that would settle it: few when near, unbounded on the threshold', () => {
    // +6 % over 12 noisy pairs: straddles 5 % now; the interval narrows as 1/√pairs.
    const near = judgePaired({
      ...base,
      ab: normals(21, 12, Math.log(1.065), 0.02),
      aa: normals(22, 12, 0, 0.005),
    });
    expect(near.verdict).toBe('inconclusive');
    expect(near.pairsToSettle).toBeGreaterThan(12);
    expect(near.pairsToSettle).toBeLessThan(150);
    // An estimate on the threshold (up to rounding) never leaves it, however many pairs.
    const ab = normals(23, 12, 0, 0.02);
    const centre = judgePaired({ ...base, ab, aa: [] }).deltaPct!;
    const shift = Math.log(1.05) - Math.log(1 + centre / 100);
    const on = judgePaired({ ...base, ab: ab.map((x) => x + shift), aa: [] });
    expect(on.verdict).toBe('inconclusive');
    expect(on.deltaPct).toBeCloseTo(5, 9);
    expect(on.pairsToSettle).toBeGreaterThan(1e6);
    // Settled verdicts carry no projection.
    expect(
      judgePaired({ ...base, ab: normals(1, 24, Math.log(1.1), 0.02), aa: [] }).pairsToSettle,
    ).toBeUndefined();
  });

  it('too few pairs are inconclusive', () => {
    const j = judgePaired({ ...base, ab: [0.2, 0.21, 0.2], aa: [] });
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(/too few/);
  });

  it('a higher-is-better direction flips the verdict', () => {
    const j = judgePaired({ ...base, direction: 'higher', ab: normals(13, 24, Math.log(1.1), 0.02), aa: [] });
    expect(j.verdict).toBe('improved');
  });
});

describe('BalancedSchedule', () => {
  it('each arm takes each position equally often in a cycle', () => {
    const s = new BalancedSchedule(['base', 'control', 'candidate'], createRng(1));
    expect(s.cycleLength).toBe(6);
    const counts = new Map<string, number>();
    const orders = new Set<string>();
    for (let r = 0; r < 12; r++) {
      const order = s.next();
      orders.add(order.join());
      for (const [pos, arm] of order.entries())
        counts.set(`${arm}@${pos}`, (counts.get(`${arm}@${pos}`) ?? 0) + 1);
    }
    expect(orders.size).toBe(6);
    expect(new Set(counts.values())).toEqual(new Set([4]));
  });

  it('two arms alternate AB / BA within each cycle (ABBA)', () => {
    const s = new BalancedSchedule(['base', 'candidate'], createRng(2));
    for (let c = 0; c < 5; c++) {
      const pair = [s.next().join(), s.next().join()].sort();
      expect(pair).toEqual(['base,candidate', 'candidate,base']);
    }
  });
});
