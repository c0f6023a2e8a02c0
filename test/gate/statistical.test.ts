import { describe, expect, it } from 'vitest';
import { ThresholdSpec } from '../../src/config/schema.js';
import { compareEntry } from '../../src/gate/compare.js';
import { NOISE_K } from '../../src/gate/models/statistical.js';
import type { Entry, MetricComparison } from '../../src/results/schema.js';
import { latencyTrials, makeEntry, makeHistory, STATISTICAL, spec } from './helpers.js';

function judge(
  candidate: Entry,
  history: Entry[],
  metric = 'latency.p50',
  threshold: ThresholdSpec = STATISTICAL,
  seed = 1,
): MetricComparison {
  const result = compareEntry(candidate, makeHistory(history), [], { [metric]: threshold }, { seed });
  expect(result.metrics).toHaveLength(1);
  return result.metrics[0]!;
}

/** Three stored runs of the same distribution. */
const quietHistory = (median = 10, sigma = 0.05): Entry[] =>
  [1, 2, 3].map((i) => makeEntry({ trials: latencyTrials({ seed: `base-${i}`, median, sigma }) }));

describe('statistical model', () => {
  it('calls identical distributions unchanged, with a tight interval around 0', () => {
    const candidate = makeEntry({ trials: latencyTrials({ seed: 'cand' }) });
    for (const metric of ['latency.p50', 'latency.p99', 'latency.mean']) {
      const m = judge(candidate, quietHistory(), metric);
      expect(m.verdict, `${metric}: ${m.reason}`).toBe('unchanged');
      const [lo, hi] = m.intervalPct!;
      expect(lo).toBeLessThan(0.5);
      expect(hi).toBeGreaterThan(-0.5);
      expect(hi - lo).toBeLessThan(4);
    }
  });

  it('calls a +20% shift with low noise regressed', () => {
    const candidate = makeEntry({ trials: latencyTrials({ seed: 'cand', median: 12 }) });
    for (const metric of ['latency.p50', 'latency.p99', 'latency.mean']) {
      const m = judge(candidate, quietHistory(), metric);
      expect(m.verdict, `${metric}: ${m.reason}`).toBe('regressed');
      expect(m.deltaPct!).toBeGreaterThan(17);
      expect(m.deltaPct!).toBeLessThan(23);
      expect(m.intervalPct![0]).toBeGreaterThan(5);
    }
  });

  it('calls a −20% shift improved', () => {
    const candidate = makeEntry({ trials: latencyTrials({ seed: 'cand', median: 8 }) });
    const m = judge(candidate, quietHistory());
    expect(m.verdict, m.reason).toBe('improved');
    expect(m.intervalPct![1]).toBeLessThan(-5);
  });

  it('treats higher-is-better when the spec says so', () => {
    const candidate = makeEntry({ trials: latencyTrials({ seed: 'cand', median: 8 }) });
    const m = judge(
      candidate,
      quietHistory(),
      'latency.p50',
      spec({ model: 'statistical', direction: 'higher' }),
    );
    expect(m.direction).toBe('higher');
    expect(m.verdict).toBe('regressed');
  });

  it('calls a +5% shift inside large within-trial noise inconclusive', () => {
    // A quiet history, so the threshold stays at 5%; the candidate's own samples are noisy.
    const candidate = makeEntry({
      trials: latencyTrials({ seed: 'cand', median: 10.5, sigma: 0.5, samples: 150 }),
    });
    const m = judge(candidate, quietHistory());
    expect(m.verdict, m.reason).toBe('inconclusive');
    const [lo, hi] = m.intervalPct!;
    expect(lo).toBeLessThan(5);
    expect(hi).toBeGreaterThan(5);
  });

  it('calls a +5% shift inside large trial-to-trial noise inconclusive', () => {
    const candidate = makeEntry({
      trials: latencyTrials({ seed: 'cand', median: 10.5, trialFactors: [0.9, 1.0, 1.1] }),
    });
    const m = judge(candidate, quietHistory());
    expect(m.verdict, m.reason).toBe('inconclusive');
  });

  it('widens the threshold when the stored runs are as noisy as the candidate', () => {
    const noisy = (seed: string, median: number) =>
      makeEntry({ trials: latencyTrials({ seed, median, sigma: 0.5, samples: 200 }) });
    const history = [1, 2, 3, 4, 5].map((i) => noisy(`base-${i}`, 10));
    const m = judge(noisy('cand', 10.5), history);
    expect(m.verdict, m.reason).not.toBe('regressed');
    expect(m.noisePct!).toBeGreaterThan(2);
  });

  it('puts between-trial variation into the interval', () => {
    const steady = makeEntry({ trials: latencyTrials({ seed: 'cand', median: 10.3 }) });
    const jumpy = makeEntry({
      trials: latencyTrials({ seed: 'cand', median: 10.3, trialFactors: [0.92, 1.0, 1.1] }),
    });
    const a = judge(steady, quietHistory());
    const b = judge(jumpy, quietHistory());
    const width = (m: MetricComparison) => m.intervalPct![1] - m.intervalPct![0];
    expect(width(b)).toBeGreaterThan(3 * width(a));
    expect(a.verdict).toBe('unchanged');
    expect(b.verdict).toBe('inconclusive');
  });

  it('widens the effective threshold for a noisy history', () => {
    const factors = [1.0, 1.06, 0.94, 1.05, 0.95, 1.0, 1.06, 0.94, 1.0, 1.0];
    const runs = (noisy: boolean) =>
      factors.map((f, i) =>
        makeEntry({ trials: latencyTrials({ seed: `h-${i}`, median: 10 * (noisy ? f : 1) }) }),
      );
    const candidate = makeEntry({ trials: latencyTrials({ seed: 'cand', median: 11 }) });

    const quiet = judge(candidate, runs(false));
    expect(quiet.verdict, quiet.reason).toBe('regressed');
    expect(quiet.noisePct!).toBeLessThan(1);

    // +10 % is above minEffectPct but inside the noise-widened threshold: not "unchanged" but
    // "too noisy to tell".
    const noisy = judge(candidate, runs(true));
    expect(noisy.noisePct!).toBeGreaterThan(4);
    expect(noisy.verdict, noisy.reason).toBe('inconclusive');
    expect(noisy.reason).toContain(`${NOISE_K} ×`);
    expect(noisy.reason).toMatch(/run-to-run noise over 10 runs/);
    expect(noisy.reason).toContain('too noisy to tell');
    // +2 %, below minEffectPct, but the noisy runs widen its interval past 5 %: a 5 % change is not
    // ruled out, so not `unchanged` either (the interval decides, not the point estimate).
    const close = makeEntry({ trials: latencyTrials({ seed: 'cand', median: 10.2 }) });
    const unsure = judge(close, runs(true));
    expect(unsure.deltaPct!).toBeLessThan(5);
    expect(Math.max(...unsure.intervalPct!.map(Math.abs))).toBeGreaterThanOrEqual(5);
    expect(unsure.verdict, unsure.reason).toBe('inconclusive');
    expect(unsure.reason).toContain('not shown to be below the minimum effect');
    // The same +2 % when the recent runs the interval is drawn from are steady (the noise, over
    // all 10 runs, still widens the threshold): shown within ±5 %, unchanged.
    const settled = [1.06, 0.94, 1.05, 0.95, 1.06, 1, 1, 1, 1, 1].map((f, i) =>
      makeEntry({ trials: latencyTrials({ seed: `h-${i}`, median: 10 * f }) }),
    );
    const shown = judge(close, settled);
    expect(shown.noisePct!).toBeGreaterThan(2);
    expect(Math.max(...shown.intervalPct!.map(Math.abs))).toBeLessThan(5);
    expect(shown.verdict, shown.reason).toBe('unchanged');
  });

  it('counts occasional jumps in the history as noise (MAD alone would ignore them)', () => {
    // Eight quiet runs and two 30 % jumps: the robust sd of the runs is ~0, the jumps are not.
    const factors = [1, 1, 1.3, 1, 1, 1, 0.7, 1, 1, 1];
    const runs = factors.map((f, i) =>
      makeEntry({ trials: latencyTrials({ seed: `j-${i}`, median: 10 * f }) }),
    );
    const jumped = makeEntry({ trials: latencyTrials({ seed: 'cand', median: 13 }) });
    const m = judge(jumped, runs);
    expect(m.noisePct!).toBeGreaterThan(10);
    expect(m.verdict, m.reason).not.toBe('regressed');
  });

  it('works from a single stored run, with trial-to-trial spread above an assumed run-to-run floor', () => {
    const base = makeEntry({ trials: latencyTrials({ seed: 'b', trialFactors: [0.98, 1.0, 1.02] }) });
    const same = makeEntry({ trials: latencyTrials({ seed: 'c', trialFactors: [0.98, 1.0, 1.02] }) });
    const m = judge(same, [base]);
    // Trial-to-trial spread is ~2 %, below the assumed 5 % a young history gets.
    expect(m.noisePct!).toBe(5);
    expect(m.reason).toContain('assumed run-to-run noise until 3 runs are stored (1 so far)');
    expect(['unchanged', 'inconclusive']).toContain(m.verdict);

    // +10 % is inside the 15 % young-history threshold: not a regression yet …
    const tenPct = makeEntry({
      trials: latencyTrials({ seed: 'c', median: 11, trialFactors: [0.98, 1.0, 1.02] }),
    });
    expect(judge(tenPct, [base]).verdict).not.toBe('regressed');
    // … while +30 % is, and a noisy single run raises the floor above the assumed one.
    const slower = makeEntry({
      trials: latencyTrials({ seed: 'c', median: 13, trialFactors: [0.98, 1.0, 1.02] }),
    });
    expect(judge(slower, [base]).verdict).toBe('regressed');
    const noisyBase = makeEntry({ trials: latencyTrials({ seed: 'b', trialFactors: [0.8, 1.0, 1.25] }) });
    const noisy = judge(same, [noisyBase]);
    expect(noisy.noisePct!).toBeGreaterThan(5);
    expect(noisy.reason).toContain('trial-to-trial');
  });

  it('takes the assumed run-to-run noise of a young history from the threshold spec', () => {
    const base = makeEntry({ trials: latencyTrials({ seed: 'b', trialFactors: [0.98, 1.0, 1.02] }) });
    const young = ThresholdSpec.parse({ model: 'statistical', minEffectPct: 5, assumedRunNoisePct: 20 });
    const plus30 = makeEntry({
      trials: latencyTrials({ seed: 'c', median: 13, trialFactors: [0.98, 1.0, 1.02] }),
    });
    const loose = judge(plus30, [base], 'latency.p50', young);
    expect(loose.noisePct).toBe(20);
    expect(loose.verdict).not.toBe('regressed');
    const double = makeEntry({
      trials: latencyTrials({ seed: 'c', median: 20, trialFactors: [0.98, 1.0, 1.02] }),
    });
    expect(judge(double, [base], 'latency.p50', young).verdict).toBe('regressed');
    // With three stored runs the measured noise replaces the assumption.
    const three = [base, base, base].map((e, i) => ({ ...e, id: `${e.id}-${i}` }));
    expect(judge(plus30, three, 'latency.p50', young).noisePct).toBeLessThan(20);
  });

  it('is reproducible for a seed and draws differently for another', () => {
    const candidate = makeEntry({
      trials: latencyTrials({ seed: 'cand', median: 10.4, sigma: 0.3, samples: 300 }),
    });
    const history = quietHistory(10, 0.3);
    const a = judge(candidate, history, 'latency.p50', STATISTICAL, 7);
    const b = judge(candidate, history, 'latency.p50', STATISTICAL, 7);
    const c = judge(candidate, history, 'latency.p50', STATISTICAL, 8);
    expect(b).toEqual(a);
    expect(c.intervalPct).not.toEqual(a.intervalPct);
    expect(c.deltaPct).toBe(a.deltaPct);
  });

  it('falls back to run-level values for metrics without samples', () => {
    const history = [100, 101, 99].map((v) =>
      makeEntry({ throughput: { inferencesPerSec: v, itemsPerSec: v } }),
    );
    const worse = makeEntry({ throughput: { inferencesPerSec: 80, itemsPerSec: 80 } });
    const m = judge(worse, history, 'throughput');
    expect(m.verdict).toBe('regressed');
    expect(m.intervalPct).toBeUndefined();
  });

  it('reports no-baseline when no stored run has the metric', () => {
    const candidate = makeEntry({ trials: latencyTrials({ seed: 'cand' }) });
    const m = judge(candidate, [makeEntry({ throughput: { inferencesPerSec: 1, itemsPerSec: 1 } })]);
    expect(m.verdict).toBe('no-baseline');
  });
});
