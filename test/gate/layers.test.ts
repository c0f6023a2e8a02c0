import { describe, expect, it } from 'vitest';
import { attributeLayers } from '../../src/gate/layers.js';
import { LayerDelta, type LayerTiming } from '../../src/results/schema.js';

const layer = (
  name: string,
  index: number,
  averageMs: number,
  extra: Partial<LayerTiming> = {},
): LayerTiming => ({
  name,
  type: 'Convolution',
  index,
  averageMs,
  ...extra,
});

describe('layer attribution', () => {
  it('matches by name and lists the layers that grew most, largest first', () => {
    const baseline = [
      layer('conv1', 0, 1.0),
      layer('relu1', 1, 0.1, { type: 'Activation' }),
      layer('conv2', 2, 2.0),
    ];
    const candidate = [
      layer('conv2', 0, 2.9),
      layer('conv1', 1, 1.2),
      layer('relu1', 2, 0.05, { type: 'Activation' }),
    ];
    const deltas = attributeLayers(candidate, baseline);
    expect(deltas.map((d) => [d.name, d.matchedBy])).toEqual([
      ['conv2', 'name'],
      ['conv1', 'name'],
    ]);
    expect(deltas[0]!.deltaMs).toBeCloseTo(0.9, 9);
    expect(deltas[0]!.deltaPct).toBeCloseTo(45, 9);
    for (const d of deltas) expect(LayerDelta.parse(d)).toEqual(d);
  });

  it('falls back to type and position for renamed layers, and notes precision and tactic changes', () => {
    const baseline = [
      layer('model/conv_0 + relu', 0, 1.0, { precision: 'fp16', tactic: '0x1' }),
      layer('model/pool', 1, 0.2, { type: 'Pooling' }),
      layer('model/conv_1 + relu', 2, 1.0, { precision: 'fp16' }),
    ];
    const candidate = [
      layer('fused_conv_a', 0, 1.1, { precision: 'fp16', tactic: '0x1' }),
      layer('model/pool', 1, 0.2, { type: 'Pooling' }),
      layer('fused_conv_b', 2, 1.8, { precision: 'fp32' }),
    ];
    const deltas = attributeLayers(candidate, baseline);
    expect(deltas.map((d) => d.name)).toEqual(['fused_conv_b', 'fused_conv_a']);
    const b = deltas[0]!;
    expect(b.matchedBy).toBe('type-position');
    expect(b.baselineMs).toBe(1.0);
    expect(b.note).toContain('"model/conv_1 + relu"');
    expect(b.note).toContain('precision changed fp16 → fp32');
    expect(deltas[1]!.note).not.toContain('precision');
  });

  it('keeps the top five', () => {
    const baseline = Array.from({ length: 8 }, (_, i) => layer(`l${i}`, i, 1));
    const candidate = Array.from({ length: 8 }, (_, i) => layer(`l${i}`, i, 1 + i / 10));
    expect(attributeLayers(candidate, baseline).map((d) => d.name)).toEqual(['l7', 'l6', 'l5', 'l4', 'l3']);
  });

  it('does not pair layers of different types or without a type', () => {
    const baseline = [layer('a', 0, 1, { type: 'Pooling' }), layer('b', 1, 1, { type: undefined })];
    const candidate = [layer('x', 0, 3), layer('y', 1, 3, { type: undefined })];
    expect(attributeLayers(candidate, baseline)).toEqual([]);
  });
});
