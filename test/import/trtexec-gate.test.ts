/** An entry imported from a summary (no per-query samples) is judged by threshold models that need none. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getMetric } from '../../src/gate/metrics.js';
import { createRng } from '../../src/gate/rng.js';
import { directionFor, thresholdModel } from '../../src/gate/threshold-models.js';
import { importTrtexec } from '../../src/import/trtexec.js';
import { makeHistory, spec } from '../gate/helpers.js';
import { TRUTH_DIR, truthFile } from '../runners/trtexec/truth.js';

const FILE = 'trt10.16.1-onnx-default-build-and-run.log';
const entry = importTrtexec({ log: { path: join(TRUTH_DIR, FILE), text: truthFile(FILE) } }).results
  .entries[0]!;

function judge(model: 'statistical' | 'percentage') {
  const threshold =
    model === 'statistical'
      ? spec({ model: 'statistical' })
      : spec({ model: 'percentage', maxRegressionPct: 10 });
  const metric = getMetric('latency.p50')!;
  return thresholdModel(threshold).judge({
    metric,
    direction: directionFor(metric, threshold),
    spec: threshold,
    candidate: entry,
    history: makeHistory([entry, entry, entry]).runs,
    rng: createRng(1),
  });
}

describe('judging an imported summary', () => {
  it('the statistical model says why it cannot judge it', () => {
    const c = judge('statistical');
    expect(c.verdict).toBe('inconclusive');
    expect(c.reason).toContain('the statistical model needs per-query samples');
    expect(c.reason).toContain('judge latency.p50 with a percentage or static threshold');
  });

  it('the percentage model judges it from the printed median', () => {
    const c = judge('percentage');
    expect(c.verdict).toBe('unchanged');
    expect(c.candidate).toBe(0.0440674);
  });
});
