import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/render.js';
import { bootstrapRatio, speedupLine, speedups, speedupText } from '../../src/speedup/speedup.js';
import { makeEntry, makeResults, passingAccuracy, samples } from '../report/helpers.js';

function trials(median: number, seed: number, count = 8) {
  return Array.from({ length: count }, (_, i) => samples({ median, jitter: 0.1, seed: seed + i, count: 50 }));
}

describe('speed-up against fp32', () => {
  const fp32 = makeEntry({ model: 'resnet50', precision: 'fp32', batchSize: 8, trials: trials(4, 1) });
  const int8 = makeEntry({
    model: 'resnet50',
    precision: 'int8',
    batchSize: 8,
    trials: trials(1.25, 100),
    accuracy: passingAccuracy(),
  });
  const other = makeEntry({ model: 'bert', precision: 'fp16', batchSize: 8, trials: trials(1, 200) });
  const results = makeResults({ entries: [fp32, int8, other], device: 'NVIDIA L4' });

  it('compares each precision with the fp32 entry of the same model and batch, with an interval', () => {
    const rows = speedups([results]);
    // bert has no fp32 entry: no row rather than a ratio against something else.
    expect(rows.map((r) => `${r.model}/${r.precision}`)).toEqual(['resnet50/fp32', 'resnet50/int8']);
    const row = rows[1]!;
    expect(row.latency.value).toBeCloseTo(3.2, 1);
    expect(row.latency.interval[0]).toBeLessThan(row.latency.value);
    expect(row.latency.interval[1]).toBeGreaterThan(row.latency.value);
    expect(row.latency.interval[1] - row.latency.interval[0]).toBeLessThan(0.5);
    expect(row.throughput.value).toBeGreaterThan(2.5);
    expect(row.reference).toBe('fp32 ONNX model in ONNX Runtime');
    expect(rows[0]!.latency.value).toBe(1);
    expect(speedupLine(row)).toMatch(
      /^int8: 3\.\d\d× faster \[3\.\d\d, 3\.\d\d\], cosine 0\.9999, top-1 100\.0 %$/,
    );
  });

  it('widens the interval when the trials disagree', () => {
    const steady = bootstrapRatio([4, 4.1, 3.9, 4, 4.05], [1, 1.02, 0.98, 1, 1.01], 7);
    const noisy = bootstrapRatio([4, 6, 3, 5, 2.5], [1, 1.6, 0.7, 1.3, 0.8], 7);
    expect(noisy.interval[1] - noisy.interval[0]).toBeGreaterThan(
      3 * (steady.interval[1] - steady.interval[0]),
    );
    // Seeded: the same numbers every time.
    expect(bootstrapRatio([4, 6, 3, 5, 2.5], [1, 1.6, 0.7, 1.3, 0.8], 7)).toEqual(noisy);
  });

  it('is printed after a run and tabled in report.html beside the accuracy', () => {
    expect(speedupText(results)).toMatch(
      /^speed-up of resnet50 b8 vs fp32 ONNX model in ONNX Runtime:\n {2}int8: 3\./,
    );
    const html = renderReport('html', results);
    expect(html).toContain('Speed-up against fp32, with the accuracy it costs');
    expect(html).toMatch(
      /<td>int8<\/td><td class="num">3\.\d\d× \[3\.\d\d, 3\.\d\d\]<\/td>.*<td class="num">0\.9999<\/td><td class="num">100\.0 %<\/td>/,
    );
  });

  it('is tabled in the Markdown report and the PR comment beside the accuracy, names escaped', () => {
    const md = renderReport('md', results);
    expect(md).toContain('**Speed-up against fp32**, with the accuracy each precision costs:');
    expect(md).toMatch(
      /^\| NVIDIA L4 \| resnet50 \| 8 \| int8 \| 3\.\d\d× \[3\.\d\d, 3\.\d\d\] \| 3\.\d\d× \[3\.\d\d, 3\.\d\d\] \| 0\.9999 \| 100\.0 % \| fp32 ONNX model in ONNX Runtime \|$/m,
    );
    // A model name from the config is untrusted: it cannot break the table or ping anyone.
    const hostile = makeResults({
      entries: [
        makeEntry({ model: 'a|b @team', precision: 'fp32', batchSize: 1, trials: trials(2, 300) }),
        makeEntry({ model: 'a|b @team', precision: 'fp16', batchSize: 1, trials: trials(1, 400) }),
      ],
      device: 'NVIDIA L4',
    });
    const row = renderReport('md', hostile)
      .split('\n')
      .find((l) => l.includes('| fp16 | 2.'));
    expect(row).toBeDefined();
    expect(row).toContain('| a&#124;b @\u200dteam |'); // the table's one escaping of |, no mention
    expect(row!.split(' | ')).toHaveLength(9);
  });
});
