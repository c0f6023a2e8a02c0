import { describe, expect, it } from 'vitest';
import {
  deriveIncidents,
  detectAccuracyDegradation,
  detectLatencySpike,
  detectUnreliableMeasurement,
  incidentsFor,
  nextStepsFor,
  PLAYBOOKS,
} from '../../src/report/incidents.js';
import { IncidentKind } from '../../src/results/schema.js';
import {
  failingInt8Accuracy,
  makeComparison,
  makeEntry,
  metric,
  passingAccuracy,
  samples,
} from './helpers.js';

describe('latency spikes', () => {
  it('flags a p99 that grew far more than the p50 against the baseline', () => {
    const entry = makeEntry();
    const comparison = makeComparison(entry, {
      verdict: 'regressed',
      metrics: [
        metric('latency.p50', { baseline: 2, deltaPct: 2 }),
        metric('latency.p99', { baseline: 2.2, deltaPct: 45, verdict: 'regressed' }),
      ],
    });
    const incident = detectLatencySpike(entry, comparison);
    expect(incident?.kind).toBe('latency-spike');
    expect(incident?.stage).toBe('compare');
    expect(incident?.message).toContain('+45.0 %');
    expect(incident?.nextSteps.join('\n')).toMatch(/nvidia-smi/);
    expect(incident?.nextSteps.join('\n')).toMatch(/temperature/i);
  });

  it('does not call a uniform slowdown a spike', () => {
    const entry = makeEntry();
    const comparison = makeComparison(entry, {
      verdict: 'regressed',
      metrics: [
        metric('latency.p50', { baseline: 2, deltaPct: 30, verdict: 'regressed' }),
        metric('latency.p99', { baseline: 2.2, deltaPct: 33, verdict: 'regressed' }),
      ],
    });
    expect(detectLatencySpike(entry, comparison)).toBeUndefined();
  });

  it('flags stalls within a run from the tail ratio', () => {
    const entry = makeEntry({ trials: [samples({ spikeEvery: 25, spikeFactor: 6 })] });
    const incident = detectLatencySpike(entry);
    expect(incident?.kind).toBe('latency-spike');
    expect(incident?.stage).toBe('benchmark');
    expect(incident?.message).toMatch(/p99 is \d/);
  });

  it('finds nothing in a quiet run', () => {
    const entry = makeEntry({ accuracy: passingAccuracy() });
    expect(deriveIncidents(entry)).toEqual([]);
  });
});

describe('accuracy degradation', () => {
  it('names the failing int8 limits and points at calibration', () => {
    const entry = makeEntry({ precision: 'int8', accuracy: failingInt8Accuracy() });
    const incident = detectAccuracyDegradation(entry);
    expect(incident?.kind).toBe('accuracy-degradation');
    expect(incident?.stage).toBe('accuracy');
    expect(incident?.title).toContain('int8');
    expect(incident?.title).toContain('cosine');
    expect(incident?.message).toContain('0.9812');
    expect(incident?.message).toContain('min 0.99');
    expect(incident?.nextSteps[0]).toMatch(/calibrat/i);
    expect(incident?.nextSteps.join('\n')).toMatch(/per-channel/);
    expect(incident?.nextSteps.join('\n')).toMatch(/per-tensor/);
  });

  it('points fp16 failures at overflow and FP32 layer precision constraints', () => {
    const accuracy = failingInt8Accuracy();
    accuracy.outputs[0]!.nonFinite = 3;
    const entry = makeEntry({ precision: 'fp16', accuracy });
    const incident = detectAccuracyDegradation(entry);
    expect(incident?.message).toContain('3 NaN/Inf');
    expect(incident?.nextSteps[0]).toMatch(/overflow/i);
    expect(incident?.nextSteps.join('\n')).toMatch(/layerPrecisions=<layer>:fp32/);
    expect(incident?.nextSteps.join('\n')).not.toMatch(/calibration data/);
  });

  it('reports an accuracy metric that regressed against the baseline', () => {
    const entry = makeEntry({ precision: 'fp16', accuracy: passingAccuracy() });
    const comparison = makeComparison(entry, {
      verdict: 'regressed',
      metrics: [metric('accuracy.cosine', { baseline: 0.9999, deltaPct: -0.5, verdict: 'regressed' })],
    });
    const incident = detectAccuracyDegradation(entry, comparison);
    expect(incident?.stage).toBe('compare');
    expect(incident?.message).toContain('accuracy.cosine regressed');
  });
});

describe('unreliable measurements', () => {
  it('reports the runner’s flag', () => {
    const entry = makeEntry({ unreliable: 'GPU clocks dropped from 1980 to 1410 MHz' });
    expect(detectUnreliableMeasurement(entry)?.message).toContain('1410 MHz');
  });

  it('reports trials whose medians disagree', () => {
    const entry = makeEntry({ trials: [samples({ median: 2, seed: 1 }), samples({ median: 2.6, seed: 2 })] });
    expect(detectUnreliableMeasurement(entry)?.message).toMatch(/trial medians differ/);
  });
});

describe('playbooks', () => {
  it('has next steps for every incident kind in the schema', () => {
    for (const kind of IncidentKind.options) {
      expect(PLAYBOOKS[kind]?.length, kind).toBeGreaterThan(0);
      expect(nextStepsFor(kind).length, kind).toBeGreaterThan(0);
    }
    expect(Object.keys(PLAYBOOKS).sort()).toEqual([...IncidentKind.options].sort());
  });

  it('puts precision-specific accuracy steps first', () => {
    expect(nextStepsFor('accuracy-degradation', { precision: 'int8' })[0]).toMatch(/INT8/);
    expect(nextStepsFor('accuracy-degradation')[0]).toBe(PLAYBOOKS['accuracy-degradation'][0]);
  });

  it('adds the playbook after attached incidents’ own steps and does not repeat their kind', () => {
    const entry = makeEntry({
      precision: 'int8',
      accuracy: failingInt8Accuracy(),
      incidents: [
        {
          kind: 'out-of-memory',
          stage: 'benchmark',
          title: 'OOM',
          message: 'CUDA out of memory',
          nextSteps: [],
        },
        {
          kind: 'accuracy-degradation',
          stage: 'accuracy',
          title: 'runner',
          message: 'm',
          nextSteps: ['own step'],
        },
      ],
    });
    const all = incidentsFor(entry);
    expect(all.map((i) => i.kind)).toEqual(['out-of-memory', 'accuracy-degradation']);
    expect(all[0]?.nextSteps[0]).toMatch(/batch size/i);
    // The producer's own step first, then the playbook (int8 steps first), each once.
    expect(all[1]?.nextSteps).toEqual([
      'own step',
      ...nextStepsFor('accuracy-degradation', { precision: 'int8' }),
    ]);
    expect(all.every((i) => !i.derived)).toBe(true);
  });
});

describe('advice fits the runner and the verdict', () => {
  const spiky = () => makeEntry({ trials: [samples({ count: 200, spikeEvery: 10, spikeFactor: 5 })] });

  it('gives CPU runs no GPU advice', () => {
    const entry = spiky();
    const cpu = incidentsFor(entry, undefined, { deviceKind: 'cpu' }).find(
      (i) => i.kind === 'latency-spike',
    )!;
    const gpu = incidentsFor(entry, undefined, { deviceKind: 'gpu' }).find(
      (i) => i.kind === 'latency-spike',
    )!;
    expect(cpu.nextSteps.join(' ')).not.toMatch(/GPU|CUDA|nvidia-smi|[Rr]ebuild the engine/);
    expect(cpu.nextSteps.join(' ')).toContain('cpuAffinity');
    expect(gpu.nextSteps.join(' ')).toMatch(/nvidia-smi/);
    expect(nextStepsFor('unreliable-measurement', { deviceKind: 'cpu' }).join(' ')).not.toMatch(
      /GPU clocks|-lgc/,
    );
  });

  it('never tells a reader to disregard an entry the gate called regressed', () => {
    const entry = makeEntry({ unreliable: 'trial medians differ by 40 %' });
    const regressed = makeComparison(entry, {
      verdict: 'regressed',
      metrics: [metric('latency.p50', { baseline: 1.5, deltaPct: 60, verdict: 'regressed' })],
    });
    const steps = incidentsFor(entry, regressed).find((i) => i.kind === 'unreliable-measurement')!.nextSteps;
    expect(steps.join(' ')).not.toMatch(/[Dd]o not read this entry as a regression/);
    expect(steps[0]).toMatch(/judged this entry in spite of the noise/);
    const unjudged = incidentsFor(entry, makeComparison(entry, { verdict: 'inconclusive', metrics: [] }));
    expect(unjudged.find((i) => i.kind === 'unreliable-measurement')!.nextSteps[0]).toMatch(/Do not read/);
  });
});
