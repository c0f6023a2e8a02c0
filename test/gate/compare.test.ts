import { describe, expect, it } from 'vitest';
import { compareEntry } from '../../src/gate/compare.js';
import { EntryComparison } from '../../src/results/schema.js';
import { latencyTrials, makeEntry, makeHistory, makeKey, STATISTICAL, spec } from './helpers.js';

const thresholds = {
  'latency.p50': STATISTICAL,
  throughput: spec({ model: 'percentage', maxRegressionPct: 10 }),
  'build.artifactBytes': spec({ model: 'static', max: 1_000_000 }),
};

const run = (seed: string, median = 10, extra: Parameters<typeof makeEntry>[0] = {}) =>
  makeEntry({
    trials: latencyTrials({ seed, median }),
    throughput: { inferencesPerSec: 100 / median, itemsPerSec: 100 / median },
    build: { artifactBytes: 500_000 },
    ...extra,
  });
const history = () => makeHistory([run('b1'), run('b2'), run('b3')]);

describe('compareEntry', () => {
  it('produces schema-valid comparisons; all quiet → unchanged', () => {
    const result = compareEntry(run('c'), history(), [], thresholds);
    expect(EntryComparison.parse(result)).toEqual(result);
    expect(result.verdict).toBe('unchanged');
    expect(result.baselineRuns).toBe(3);
    expect(result.metrics.map((m) => m.metric)).toEqual(['latency.p50', 'throughput', 'build.artifactBytes']);
  });

  it('marks a failed entry failed, whatever else', () => {
    const failed = makeEntry({
      status: 'failed',
      error: { stage: 'build', message: 'unsupported operator Foo' },
    });
    const result = compareEntry(failed, history(), [], thresholds);
    expect(result.verdict).toBe('failed');
    expect(result.reason).toContain('unsupported operator Foo');
  });

  it('never calls an unreliable measurement a regression', () => {
    const slow = run('c', 15, { unreliable: 'GPU clocks dropped to 900 MHz' });
    const result = compareEntry(slow, history(), [], thresholds);
    const bench = result.metrics.filter((m) => m.metric === 'latency.p50' || m.metric === 'throughput');
    expect(bench).toHaveLength(2);
    for (const m of bench) {
      expect(m.verdict).toBe('inconclusive');
      expect(m.reason).toContain('GPU clocks dropped');
    }
    expect(result.verdict).toBe('inconclusive');
    // The same run without the flag would have regressed.
    expect(compareEntry(run('c', 15), history(), [], thresholds).verdict).toBe('regressed');
  });

  it('names what differs when only other environments have baselines', () => {
    const candidate = run('c');
    const elsewhere = makeKey({ device: 'NVIDIA H100 (9.0)' });
    const result = compareEntry(candidate, undefined, [elsewhere], thresholds);
    expect(result.verdict).toBe('environment-mismatch');
    expect(result.reason).toContain(
      'baseline is from device "NVIDIA H100 (9.0)", this run is "NVIDIA A100 (8.0)"',
    );
    expect(result.metrics.find((m) => m.metric === 'latency.p50')!.verdict).toBe('environment-mismatch');
    // Static limits still apply.
    expect(result.metrics.find((m) => m.metric === 'build.artifactBytes')!.verdict).toBe('unchanged');

    const twoFields = makeKey({ runtime: 'tensorrt 10.4.0', optionsHash: 'opts-2' });
    const reason = compareEntry(candidate, undefined, [twoFields, elsewhere], thresholds).reason;
    expect(reason).toContain('device'); // the closest key (one difference) is the one described
    expect(reason).toContain('closest of 2');
  });

  it('refuses a history whose key differs, naming the field', () => {
    const other = makeHistory([run('b1', 10, { key: { runtime: 'tensorrt 10.4.0' } })]);
    const result = compareEntry(run('c', 20), other, [], thresholds);
    expect(result.verdict).toBe('environment-mismatch');
    expect(result.reason).toContain('runtime "tensorrt 10.4.0"');
    expect(result.baselineRuns).toBe(0);
  });

  it('reports no-baseline, while static limits and accuracy limits still apply', () => {
    const result = compareEntry(run('c'), undefined, [], thresholds);
    expect(result.verdict).toBe('no-baseline');
    expect(result.metrics.find((m) => m.metric === 'latency.p50')!.verdict).toBe('no-baseline');

    const big = run('c', 10, { build: { artifactBytes: 2_000_000 } });
    const tooBig = compareEntry(big, undefined, [], thresholds);
    expect(tooBig.verdict).toBe('regressed');
    expect(tooBig.reason).toContain('build.artifactBytes');
  });

  it('turns an accuracy violation into a regression naming metric and limit', () => {
    const violating = run('c', 10, {
      accuracy: {
        passed: false,
        violations: [
          {
            output: 'logits',
            metric: 'cosine',
            value: 0.97,
            limit: { min: 0.999 },
            message: 'cosine similarity 0.97 is below 0.999',
          },
        ],
      },
    });
    for (const h of [history(), undefined]) {
      const result = compareEntry(violating, h, [], thresholds);
      expect(result.verdict).toBe('regressed');
      const m = result.metrics.find((x) => x.metric === 'accuracy.cosine')!;
      expect(m.verdict).toBe('regressed');
      expect(m.direction).toBe('higher');
      expect(m.reason).toContain('cosine');
      expect(m.reason).toContain('min 0.999');
      expect(m.reason).toContain('logits');
    }
  });

  it('compares accuracy metrics against the baseline when a threshold names them', () => {
    const withCos = (cosine: number, seed: string) =>
      run(seed, 10, {
        accuracy: { worst: { maxAbsError: 0, meanAbsError: 0, mse: 0, maxRelError: 0, cosine } },
      });
    const h = makeHistory([withCos(0.9999, 'b')]);
    const t = { 'accuracy.cosine': spec({ model: 'percentage', maxRegressionPct: 0.5 }) };
    expect(compareEntry(withCos(0.99, 'c'), h, [], t).verdict).toBe('regressed');
    expect(compareEntry(withCos(0.9998, 'c'), h, [], t).verdict).toBe('unchanged');
  });

  it('ranks verdicts: regressed beats inconclusive beats improved', () => {
    const t = {
      'latency.p50': STATISTICAL,
      throughput: spec({ model: 'percentage', maxRegressionPct: 10 }),
    };
    // Faster latency (improved) but throughput says 50% worse (regressed).
    const odd = run('c', 8, { throughput: { inferencesPerSec: 5, itemsPerSec: 5 } });
    const result = compareEntry(odd, history(), [], t);
    expect(result.metrics.map((m) => m.verdict)).toEqual(['improved', 'regressed']);
    expect(result.verdict).toBe('regressed');
    expect(result.reason).toContain('throughput');
  });

  it('attributes latency to layers when both sides have them', () => {
    const layers = (ms: number[]) =>
      ms.map((averageMs, index) => ({ name: `layer${index}`, type: 'Conv', index, averageMs }));
    const base = makeHistory([run('b', 10, { layers: layers([1, 2, 3]) })]);
    const result = compareEntry(run('c', 10, { layers: layers([1, 2.5, 3.2]) }), base, [], thresholds);
    expect(result.layers!.map((l) => l.name)).toEqual(['layer1', 'layer2']);
    expect(compareEntry(run('c'), base, [], thresholds).layers).toBeUndefined();
  });

  it('gives the same answer for the same seed', () => {
    const a = compareEntry(run('c', 10.3), history(), [], thresholds, { seed: 5 });
    const b = compareEntry(run('c', 10.3), history(), [], thresholds, { seed: 5 });
    expect(b).toEqual(a);
  });
});
