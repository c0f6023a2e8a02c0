import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Results } from '../../src/results/schema.js';
import { fakeIO } from '../helpers/fake-io.js';
import { TINYCNN, tempDir, tinyConfigText, writeConfig } from '../helpers/tiny-config.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-sweep-'));
});
afterEach(async () => {
  await cleanup();
});

const SWEEP =
  '    sweep: { batchSizes: [1, 2, 4], concurrency: [1, 2], minGainPct: 0, warmup: 2, iterations: 10, trials: 2 }\n';

describe('trt-gate run with a sweep (ONNX Runtime, real inference)', () => {
  it('records the curve, picks the best point, prints it and draws it in report.html', async () => {
    const text = tinyConfigText([TINYCNN]).replace(/( {4}inputs: .*\n)/, `$1${SWEEP}`);
    expect(text).toContain('sweep:');
    const config = await writeConfig(dir, text);
    const cli = fakeIO({ cwd: dir });
    const code = await main(['run', '-c', config, '-o', 'out', '--quiet'], cli.io);
    expect(cli.stderr).toBe('');
    expect(code).toBe(0);

    const results = Results.parse(JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')));
    const sweep = results.entries[0]!.sweep!;
    expect(sweep.points.length).toBeGreaterThan(0);
    for (const p of sweep.points) {
      expect(p.error).toBeUndefined();
      expect(p.itemsPerSec).toBeGreaterThan(0);
      expect(p.latency!.p99).toBeGreaterThanOrEqual(p.latency!.median);
    }
    // Every batch × concurrency was measured, or a recorded stop explains why not.
    for (const concurrency of [1, 2]) {
      const measured = sweep.points.filter((p) => p.concurrency === concurrency).map((p) => p.batchSize);
      const stopped = sweep.stops.some((s) => s.concurrency <= concurrency);
      if (!stopped) expect(measured).toEqual([1, 2, 4]);
    }
    // No SLO: the chosen point is the fastest measured one.
    const best = Math.max(...sweep.points.map((p) => p.itemsPerSec!));
    expect(sweep.throughputAtSlo).toBe(best);
    const chosen = sweep.points.find((p) => p.itemsPerSec === best)!;
    expect(sweep.chosen).toEqual({ batchSize: chosen.batchSize, concurrency: chosen.concurrency });

    expect(cli.stdout).toContain('sweep tinycnn · fp32');
    expect(cli.stdout).toContain(`chosen: batch ${chosen.batchSize} × concurrency ${chosen.concurrency}`);

    const html = await readFile(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toContain('<h2>Throughput sweeps</h2>');
    const svg = html.slice(html.indexOf('<svg class="chart sweep-chart"'));
    // Two panels (throughput, latency), one marker per measured point in each.
    expect(svg.match(/class="sweep-point/g)).toHaveLength(sweep.points.length * 2);
    expect(svg.match(/class="sweep-point chosen"/g)).toHaveLength(2);
  });
});
