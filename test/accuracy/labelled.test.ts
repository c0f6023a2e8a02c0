import { describe, expect, it } from 'vitest';
import { topKAccuracy } from '../../src/accuracy/labelled.js';
import type { TensorSet } from '../../src/inputs/tensor.js';

function batch(rows: number[][]): TensorSet {
  return {
    probs: { dtype: 'float32', dims: [rows.length, rows[0]!.length], data: Float32Array.from(rows.flat()) },
  };
}

describe('top-k accuracy against labels', () => {
  // 6 classes; each row's label rank is noted.
  const outputs = [
    batch([
      [0.9, 0.1, 0, 0, 0, 0], // label 0: rank 0
      [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], // label 0: rank 5 (last)
    ]),
    batch([
      [0.5, 0.4, 0.3, 0.2, 0.1, 0.6], // label 3: rank 4 (in top 5)
      [0.2, 0.2, 0.1, 0.1, 0.1, 0.1], // label 1: tie with class 0, the lower index ranks first: rank 1
    ]),
  ];

  it('counts items whose label is the top-1 / in the top 5, across batches in item order', () => {
    expect(topKAccuracy(outputs, 'probs', Int32Array.from([0, 0, 3, 1]))).toEqual({ top1: 0.25, top5: 0.75 });
  });

  it('a NaN score never counts as correct', () => {
    const nan = [batch([[Number.NaN, 0, 0, 0, 0, 0]])];
    expect(topKAccuracy(nan, 'probs', Int32Array.from([0]))).toEqual({ top1: 0, top5: 0 });
  });

  it('labels and rows must match in number, and labels must be classes of the output', () => {
    expect(() => topKAccuracy(outputs, 'probs', Int32Array.from([0, 0, 4]))).toThrow(/more output rows/);
    expect(() => topKAccuracy(outputs, 'probs', Int32Array.from([0, 0, 4, 1, 2]))).toThrow(
      /4 output rows for 5 labels/,
    );
    expect(() => topKAccuracy(outputs, 'probs', Int32Array.from([0, 0, 9, 1]))).toThrow(
      /not one of 6 classes/,
    );
    expect(() => topKAccuracy(outputs, 'logits', Int32Array.from([0]))).toThrow(/no output named "logits"/);
  });
});
