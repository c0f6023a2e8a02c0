import { describe, expect, it } from 'vitest';
import { accuracyIncident } from '../../src/accuracy/incident.js';
import { incidentSteps } from '../../src/report/playbooks.js';
import type { AccuracyResult, Environment } from '../../src/results/schema.js';

const env = (name: string, version: string): Environment => ({
  runner: name === 'tensorrt' ? 'trtexec' : 'onnxruntime',
  os: { platform: 'linux', release: '6', arch: 'x64' },
  host: { cpuModel: 'cpu', cpuCores: 2, memoryBytes: 1 },
  node: '20',
  runtime: { name, version },
  device: { kind: 'gpu', name: 'GPU' },
  details: {},
});

function failing(first = true): AccuracyResult {
  return {
    reference: 'onnxruntime-fp32 (CPU)',
    samples: 32,
    outputs: [],
    worst: null,
    passed: false,
    violations: [
      {
        output: 'probs',
        metric: 'top1Drop',
        value: 0.023,
        limit: { max: 0.01 },
        message: 'probs: top1Drop 0.023 > 0.01',
      },
    ],
    validation: {
      source: 'val.npz',
      total: 5000,
      items: 1000,
      labelled: {
        output: 'probs',
        top1: 0.741,
        top5: 0.9,
        reference: { top1: 0.764, top5: 0.91 },
        top1Drop: 0.023,
        top5Drop: 0.01,
      },
    },
    localization: first
      ? {
          status: 'found',
          method: 'm',
          samples: [3],
          cosineBelow: 0.99,
          first: {
            tensor: 'conv5_out',
            node: 'conv5',
            op: 'Conv',
            index: 9,
            cosine: 0.81,
            maxAbsError: 3,
            nonFinite: 0,
          },
          layers: [],
        }
      : { status: 'none', method: 'm', samples: [3], cosineBelow: 0.99, layers: [] },
  };
}

describe('the measured accuracy incident', () => {
  it('states the drop in points with its limit and the first divergence', () => {
    const i = accuracyIncident('int8', failing(), env('tensorrt', '10.3.0'))!;
    expect(i.kind).toBe('accuracy-degradation');
    expect(i.message).toBe(
      'int8 top-1 on the labelled set (1000 items) dropped 2.3 points vs fp32 (76.4 % → 74.1 %) (limit 1); ' +
        "first divergence at 'conv5' (Conv, tensor 'conv5_out', cosine 0.8100).",
    );
  });

  // What a writer shows: the incident's own step (the layer), then the accuracy playbook.
  const shown = (precision: 'int8' | 'fp16', acc: AccuracyResult, e: Environment) =>
    incidentSteps(accuracyIncident(precision, acc, e)!, { precision });

  it('int8: keep the named layer in FP16 with 10.x flags, re-calibrate, then roll back to FP16', () => {
    const own = accuracyIncident('int8', failing(), env('tensorrt', '10.3.0'))!.nextSteps;
    expect(own).toEqual([
      expect.stringContaining('--precisionConstraints=obey --layerPrecisions=conv5:fp16'),
    ]);
    const steps = shown('int8', failing(), env('tensorrt', '10.3.0'));
    expect(steps[0]).toBe(own[0]);
    expect(steps[1]).toMatch(/^Re-calibrate INT8/);
    expect(steps.at(-1)).toMatch(/ship the FP16 engine/);
    expect(new Set(steps).size).toBe(steps.length);
  });

  it('fp16 on TensorRT 11 (strongly typed): casts instead of layer precisions; roll back to FP32', () => {
    const steps = shown('fp16', failing(), env('tensorrt', '11.0.0'));
    expect(steps[0]).toMatch(/strongly typed.*Cast nodes to float32 around 'conv5'/);
    expect(steps.join(' ')).not.toContain('--layerPrecisions=conv5');
    expect(steps.at(-1)).toMatch(/ship the FP32 engine/);
  });

  it('no single diverging layer: says so, names no layer, and the playbook suggests mixed precision', () => {
    const i = accuracyIncident('fp16', failing(false), env('onnxruntime', '1.30.0'))!;
    expect(i.message).toContain('no single layer diverges');
    expect(i.nextSteps).toEqual([]);
    expect(shown('fp16', failing(false), env('onnxruntime', '1.30.0')).join(' ')).toMatch(
      /Use mixed precision/,
    );
  });

  it('a passing check has no incident', () => {
    expect(accuracyIncident('fp16', { ...failing(), passed: true, violations: [] })).toBeUndefined();
  });
});
