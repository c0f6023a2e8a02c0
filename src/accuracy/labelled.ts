import type { TensorSet } from '../inputs/tensor.js';
import { toFloat64 } from '../inputs/tensor.js';

export interface TopK {
  top1: number;
  top5: number;
}

/**
 * Top-1/top-5 accuracy of one classifier output against labels. `outputs[b]` is batch b, whose
 * rows are items b·B … b·B + B − 1; `labels` are in the same item order. Ties rank the lower class
 * first, as in the agreement metrics.
 */
export function topKAccuracy(outputs: TensorSet[], output: string, labels: Int32Array): TopK {
  let items = 0;
  let top1 = 0;
  let top5 = 0;
  for (const set of outputs) {
    const tensor = set[output];
    if (!tensor) throw new Error(`no output named "${output}" (has: ${Object.keys(set).join(', ')})`);
    const values = toFloat64(tensor);
    const classes = tensor.dims[tensor.dims.length - 1] ?? 1;
    for (let start = 0; start + classes <= values.length; start += classes) {
      const label = labels[items];
      if (label === undefined) throw new RangeError(`more output rows than the ${labels.length} labels`);
      if (label >= classes)
        throw new RangeError(`label ${label} of item ${items} is not one of ${classes} classes`);
      const row = values.subarray(start, start + classes);
      const score = row[label]!;
      // The label's rank: classes scoring higher, or equal with a lower index. NaN never ranks.
      let rank = 0;
      for (let c = 0; c < classes && rank < 5; c++) {
        if (row[c]! > score || (row[c] === score && c < label)) rank++;
      }
      if (!Number.isNaN(score)) {
        if (rank === 0) top1++;
        if (rank < 5) top5++;
      }
      items++;
    }
  }
  if (items !== labels.length) throw new RangeError(`${items} output rows for ${labels.length} labels`);
  return { top1: items ? top1 / items : 0, top5: items ? top5 / items : 0 };
}
