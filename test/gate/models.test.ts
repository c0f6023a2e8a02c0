import { describe, expect, it } from 'vitest';
import type { ThresholdSpec } from '../../src/config/schema.js';
import { getMetric } from '../../src/gate/metrics.js';
import { createRng } from '../../src/gate/rng.js';
import { directionFor, THRESHOLD_MODELS, thresholdModel } from '../../src/gate/threshold-models.js';
import type { Entry } from '../../src/results/schema.js';
import { makeEntry, makeHistory, spec } from './helpers.js';

function judge(metricName: string, threshold: ThresholdSpec, candidate: Entry, history: Entry[]) {
  const metric = getMetric(metricName)!;
  return thresholdModel(threshold).judge({
    metric,
    direction: directionFor(metric, threshold),
    spec: threshold,
    candidate,
    history: history.length > 0 ? makeHistory(history).runs : [],
    rng: createRng(1),
  });
}

const bytes = (artifactBytes: number) => makeEntry({ build: { artifactBytes } });
const items = (itemsPerSec: number) =>
  makeEntry({ throughput: { inferencesPerSec: itemsPerSec, itemsPerSec } });

describe('percentage model', () => {
  const tenPct = spec({ model: 'percentage', maxRegressionPct: 10 });

  it('treats exactly the limit as unchanged and just past it as regressed', () => {
    expect(judge('build.artifactBytes', tenPct, bytes(110), [bytes(100)]).verdict).toBe('unchanged');
    const past = judge('build.artifactBytes', tenPct, bytes(111), [bytes(100)]);
    expect(past.verdict).toBe('regressed');
    expect(past.deltaPct).toBeCloseTo(11, 9);
    expect(past.reason).toContain('10%');
    expect(judge('build.artifactBytes', tenPct, bytes(90), [bytes(100)]).verdict).toBe('unchanged');
    expect(judge('build.artifactBytes', tenPct, bytes(89), [bytes(100)]).verdict).toBe('improved');
  });

  it('compares against the latest stored run', () => {
    expect(judge('build.artifactBytes', tenPct, bytes(130), [bytes(100), bytes(125)]).verdict).toBe(
      'unchanged',
    );
    expect(judge('build.artifactBytes', tenPct, bytes(130), [bytes(125), bytes(100)]).verdict).toBe(
      'regressed',
    );
  });

  it('flips for higher-is-better metrics', () => {
    expect(judge('throughput', tenPct, items(85), [items(100)]).verdict).toBe('regressed');
    expect(judge('throughput', tenPct, items(120), [items(100)]).verdict).toBe('improved');
    const lowerBetter = spec({ model: 'percentage', maxRegressionPct: 10, direction: 'lower' });
    expect(judge('throughput', lowerBetter, items(120), [items(100)]).verdict).toBe('regressed');
  });

  it('needs a baseline, and handles a zero one', () => {
    expect(judge('build.artifactBytes', tenPct, bytes(100), []).verdict).toBe('no-baseline');
    expect(judge('build.artifactBytes', tenPct, bytes(5), [bytes(0)]).verdict).toBe('inconclusive');
    expect(judge('build.artifactBytes', tenPct, bytes(0), [bytes(0)]).verdict).toBe('unchanged');
  });
});

describe('static model', () => {
  it('checks min and max on the candidate alone', () => {
    const cosine = (c: number) =>
      makeEntry({
        accuracy: { worst: { maxAbsError: 0, meanAbsError: 0, mse: 0, maxRelError: 0, cosine: c } },
      });
    const minimum = spec({ model: 'static', min: 0.999 });
    expect(THRESHOLD_MODELS.static.needsBaseline).toBe(false);
    expect(judge('accuracy.cosine', minimum, cosine(0.9995), []).verdict).toBe('unchanged');
    const low = judge('accuracy.cosine', minimum, cosine(0.99), []);
    expect(low.verdict).toBe('regressed');
    expect(low.reason).toContain('minimum 0.999');
    expect(low.baseline).toBeNull();

    const maxBytes = spec({ model: 'static', max: 1000 });
    expect(judge('build.artifactBytes', maxBytes, bytes(1000), []).verdict).toBe('unchanged');
    expect(judge('build.artifactBytes', maxBytes, bytes(1001), []).verdict).toBe('regressed');
    expect(judge('build.artifactBytes', maxBytes, bytes(900), [bytes(800)]).baseline).toBe(800);
  });
});

describe('metric registry', () => {
  it('extracts values, skipping a cached build time', () => {
    const built = makeEntry({ build: { timeMs: 1234 } });
    const cached = makeEntry({ build: { timeMs: 5, cached: true } });
    expect(getMetric('build.timeMs')!.extract(built)).toBe(1234);
    expect(getMetric('build.timeMs')!.extract(cached)).toBeUndefined();
    expect(getMetric('throughput')!.direction).toBe('higher');
    expect(getMetric('accuracy.top1Agreement')!.extract(makeEntry({ accuracy: {} }))).toBeUndefined();
  });
});
