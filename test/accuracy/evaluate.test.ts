import { describe, expect, it } from 'vitest';
import { effectiveLimits, evaluateAccuracy } from '../../src/accuracy/evaluate.js';
import type { AccuracyLimits } from '../../src/config/schema.js';
import { floatToHalf, type HostTensor, type TensorSet } from '../../src/inputs/tensor.js';
import { AccuracyResult } from '../../src/results/schema.js';

function t(dims: number[], ...values: number[]): HostTensor {
  return { dtype: 'float32', dims, data: Float32Array.from(values) };
}

function set(tensors: Record<string, HostTensor>): TensorSet {
  return tensors;
}

const REF = 'test reference';

describe('evaluateAccuracy', () => {
  it('passes identical outputs and reports metrics per output', () => {
    const reference = [set({ out: t([1, 4], 1, 2, 3, 4) }), set({ out: t([1, 4], 4, 3, 2, 1) })];
    const result = evaluateAccuracy({
      reference,
      candidate: reference,
      limits: { cosine: { min: 0.999 }, maxAbsError: { max: 0 } },
      referenceName: REF,
    });
    expect(result.passed).toBe(true);
    expect(result.violations).toEqual([]);
    expect(result.reference).toBe(REF);
    expect(result.samples).toBe(2);
    expect(result.outputs).toHaveLength(1);
    expect(result.outputs[0]).toMatchObject({ name: 'out', dims: [1, 4], nonFinite: 0 });
    expect(result.outputs[0]!.metrics?.cosine).toBe(1);
    // [1, 4] has fewer than 5 columns: not treated as class scores by default.
    expect(result.outputs[0]!.metrics?.top1Agreement).toBeUndefined();
    expect(result.worst?.maxAbsError).toBe(0);
  });

  it('turns NaN/Inf in the candidate into a violation, not a number', () => {
    const reference = [set({ out: t([3], 1, 2, 3) }), set({ out: t([3], 1, 2, 3) })];
    const candidate = [
      set({ out: t([3], 1, Number.NaN, 3) }),
      set({ out: t([3], Number.POSITIVE_INFINITY, 2, 3) }),
    ];
    const result = evaluateAccuracy({ reference, candidate, limits: {}, referenceName: REF });
    expect(result.passed).toBe(false);
    expect(result.outputs).toEqual([{ name: 'out', dims: [3], nonFinite: 2, metrics: null }]);
    expect(result.violations).toEqual([
      {
        output: 'out',
        metric: 'finite',
        value: 2,
        limit: { max: 0 },
        message: 'out contains 2 NaN/Inf values',
      },
    ]);
    // No output was measured, so there is no worst value (and no NaN leaking into it).
    expect(result.worst).toBeNull();
  });

  it('a NaN/Inf reference fails the check instead of passing with NaN metrics', () => {
    const reference = [
      set({ out: t([2], Number.NaN, 1) }),
      set({ out: t([2], Number.NEGATIVE_INFINITY, 1) }),
    ];
    const candidate = [set({ out: t([2], 0, 1) }), set({ out: t([2], 0, 1) })];
    const result = evaluateAccuracy({
      reference,
      candidate,
      limits: { cosine: { min: 0.9 }, maxAbsError: { max: 1 } },
      referenceName: REF,
    });
    expect(result.passed).toBe(false);
    expect(result.outputs).toEqual([{ name: 'out', dims: [2], nonFinite: 0, metrics: null }]);
    expect(result.violations).toEqual([
      {
        output: 'out',
        metric: 'referenceFinite',
        value: 2,
        limit: { max: 0 },
        message: 'out: the reference contains 2 NaN/Inf values; accuracy cannot be judged',
      },
    ]);
    expect(result.worst).toBeNull();
    // Nothing in the result is NaN: JSON would turn it into null, which results.json refuses.
    expect(AccuracyResult.safeParse(JSON.parse(JSON.stringify(result))).success).toBe(true);
  });

  it('a non-finite output does not hide the other outputs', () => {
    const reference = [set({ a: t([2], 1, 2), b: t([2], 1, 2) })];
    const candidate = [set({ a: t([2], Number.NaN, 2), b: t([2], 1, 2.5) })];
    const result = evaluateAccuracy({
      reference,
      candidate,
      limits: { maxAbsError: { max: 0.1 } },
      referenceName: REF,
    });
    expect(result.violations.map((v) => [v.output, v.metric])).toEqual([
      ['a', 'finite'],
      ['b', 'maxAbsError'],
    ]);
    expect(result.violations[0]!.message).toBe('a contains 1 NaN/Inf value');
    expect(result.worst?.maxAbsError).toBeCloseTo(0.5, 6);
  });

  it('checks min and max limits and describes each violation', () => {
    // cosine([1,2,3,4], [1.1,2,2.5,4]) ≈ 0.99645; max abs error 0.5.
    const reference = [set({ out: t([4], 1, 2, 3, 4) })];
    const candidate = [set({ out: t([4], 1.1, 2, 2.5, 4) })];
    const result = evaluateAccuracy({
      reference,
      candidate,
      limits: { cosine: { min: 0.999 }, maxAbsError: { max: 0.1 }, mse: { max: 1 } },
      referenceName: REF,
    });
    expect(result.passed).toBe(false);
    expect(result.violations).toHaveLength(2);
    expect(result.violations[0]).toMatchObject({ output: 'out', metric: 'cosine', limit: { min: 0.999 } });
    expect(result.violations[0]!.message).toMatch(/^out: cosine 0\.996\d < 0\.999$/);
    expect(result.violations[1]).toMatchObject({ output: 'out', metric: 'maxAbsError', limit: { max: 0.1 } });
    expect(result.violations[1]!.value).toBeCloseTo(0.5, 6);
    expect(result.violations[1]!.message).toBe('out: maxAbsError 0.5000 > 0.1');
  });

  it('treats 2-D outputs with >= 5 columns as class scores, unless told otherwise', () => {
    const reference = [set({ probs: t([1, 5], 0.1, 0.6, 0.1, 0.1, 0.1) })];
    const candidate = [set({ probs: t([1, 5], 0.6, 0.1, 0.1, 0.1, 0.1) })];
    const auto = evaluateAccuracy({
      reference,
      candidate,
      limits: { top1Agreement: { min: 0.99 } },
      referenceName: REF,
    });
    expect(auto.worst?.top1Agreement).toBe(0);
    expect(auto.violations.map((v) => v.metric)).toEqual(['top1Agreement']);
    const off = evaluateAccuracy({
      reference,
      candidate,
      classifier: false,
      limits: { top1Agreement: { min: 0.99 } },
      referenceName: REF,
    });
    // No top-1 metric, so its limit does not apply.
    expect(off.worst?.top1Agreement).toBeUndefined();
    expect(off.violations).toEqual([]);
    const forced = evaluateAccuracy({
      reference: [set({ s: t([3], 1, 2, 3) })],
      candidate: [set({ s: t([3], 3, 2, 1) })],
      classifier: true,
      limits: {},
      referenceName: REF,
    });
    expect(forced.worst?.top1Agreement).toBe(0);
  });

  it('compares only the configured outputs, and names a missing one', () => {
    const reference = [set({ a: t([1], 1), b: t([1], 1) })];
    const candidate = [set({ a: t([1], 1), b: t([1], 100) })];
    const only = evaluateAccuracy({
      reference,
      candidate,
      outputs: ['a'],
      limits: { maxAbsError: { max: 0 } },
      referenceName: REF,
    });
    expect(only.outputs.map((o) => o.name)).toEqual(['a']);
    expect(only.passed).toBe(true);
    expect(() =>
      evaluateAccuracy({ reference, candidate, outputs: ['c'], limits: {}, referenceName: REF }),
    ).toThrow(/no output named "c"/);
  });

  it('decodes float16 candidates before comparing', () => {
    const reference = [set({ out: t([3], 1, -2, 0.5) })];
    const half: HostTensor = {
      dtype: 'float16',
      dims: [3],
      data: Uint16Array.from([1, -2, 0.5], floatToHalf),
    };
    const result = evaluateAccuracy({
      reference,
      candidate: [set({ out: half })],
      limits: { maxAbsError: { max: 0 } },
      referenceName: REF,
    });
    expect(result.outputs[0]!.metrics?.maxAbsError).toBe(0);
    expect(result.passed).toBe(true);
  });
});

describe('effectiveLimits', () => {
  const global: AccuracyLimits = {
    default: { cosine: { min: 0.9 }, maxAbsError: { max: 1 } },
    int8: { cosine: { min: 0.8 } },
  };
  const model: AccuracyLimits = {
    default: { cosine: { min: 0.95 }, mse: { max: 2 } },
    int8: { cosine: { min: 0.85 } },
  };

  it('global default alone', () => {
    expect(effectiveLimits('fp32', global, undefined)).toEqual({
      cosine: { min: 0.9 },
      maxAbsError: { max: 1 },
    });
  });

  it('global precision overrides global default', () => {
    expect(effectiveLimits('int8', global, undefined)).toEqual({
      cosine: { min: 0.8 },
      maxAbsError: { max: 1 },
    });
  });

  it('model default overrides global precision and default', () => {
    expect(effectiveLimits('fp32', global, model)).toEqual({
      cosine: { min: 0.95 },
      maxAbsError: { max: 1 },
      mse: { max: 2 },
    });
    // For int8, the model default beats the global int8 limit when the model has no int8 entry.
    expect(effectiveLimits('int8', global, { default: model.default })).toEqual({
      cosine: { min: 0.95 },
      maxAbsError: { max: 1 },
      mse: { max: 2 },
    });
  });

  it('model precision overrides everything', () => {
    expect(effectiveLimits('int8', global, model)).toEqual({
      cosine: { min: 0.85 },
      maxAbsError: { max: 1 },
      mse: { max: 2 },
    });
  });

  it('a precision nobody mentions falls back to the defaults', () => {
    expect(effectiveLimits('fp16', global, model)).toEqual({
      cosine: { min: 0.95 },
      maxAbsError: { max: 1 },
      mse: { max: 2 },
    });
    expect(effectiveLimits('bf16', {}, undefined)).toEqual({});
  });

  it('replaces a metric limit as a whole (no min/max mixing)', () => {
    expect(
      effectiveLimits(
        'fp16',
        { default: { cosine: { min: 0.9, max: 1 } } },
        { fp16: { cosine: { min: 0.5 } } },
      ),
    ).toEqual({ cosine: { min: 0.5 } });
  });
});
