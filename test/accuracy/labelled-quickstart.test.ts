import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Results } from '../../src/results/schema.js';
import { fakeIO } from '../helpers/fake-io.js';
import { REPO_ROOT, tempDir } from '../helpers/tiny-config.js';

/**
 * The shipped configs end to end through the CLI on real inference: the labelled quickstart set
 * and the broken-layer variant (examples/quickstart/trt-gate.broken-layer.yml), as a user runs them.
 */
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-labelled-'));
});
afterAll(async () => cleanup());

async function run(config: string, out: string, extra: string[] = []) {
  const f = fakeIO({ cwd: REPO_ROOT });
  const code = await main(['run', '-q', '-c', config, '-o', join(dir, out), ...extra], f.io);
  const results = Results.parse(JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8')));
  const report = await readFile(join(dir, out, 'report.md'), 'utf8');
  return { code, results, report, f };
}

describe('labelled validation data in the quickstart', () => {
  it('reports top-1/top-5 accuracy per precision and the drop from fp32 on the shipped set', async () => {
    const { code, results, report, f } = await run('examples/quickstart/trt-gate.yml', 'quickstart', [
      '--model',
      'tinycnn',
    ]);
    expect(code).not.toBe(1);
    const byPrecision = Object.fromEntries(
      results.entries.map((e) => [e.precision, e.accuracy!.validation!]),
    );
    expect(Object.keys(byPrecision)).toEqual(['fp32', 'fp16', 'int8']);
    const fp32 = byPrecision.fp32!.labelled!;
    // Labels are the fp32 model's classes of the noise-free prototypes: fp32 is high, not perfect.
    expect(fp32.top1).toBeGreaterThan(0.8);
    expect(fp32.top1).toBeLessThan(1);
    expect(fp32.top1Drop).toBe(0);
    for (const v of Object.values(byPrecision)) {
      expect(v).toMatchObject({
        items: 128,
        total: 128,
        source: expect.stringContaining('tinycnn-labelled.npz'),
      });
      expect(v.labelled!.reference).toEqual({ top1: fp32.top1, top5: fp32.top5 });
      expect(v.labelled!.top1Drop).toBeCloseTo(fp32.top1 - v.labelled!.top1, 12);
    }
    const worst = results.entries.find((e) => e.precision === 'int8')!.accuracy!.worst!;
    expect(worst.top1Accuracy).toBe(byPrecision.int8!.labelled!.top1);
    // The report and the terminal table show it per precision.
    const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
    expect(report).toContain(`labelled top-1 ${pct(fp32.top1)}`);
    expect(report).toContain(`±0.0 pt vs fp32) · top-5 ${pct(fp32.top5)}`);
    expect(f.stdout).toMatch(/acc@1 +acc@5 +Δ@1 vs fp32/);
  });

  it('the broken-layer config fails on accuracy and names conv2 as the first divergence', async () => {
    const { code, results, report } = await run('examples/quickstart/trt-gate.broken-layer.yml', 'broken');
    expect(code).toBe(1);
    const fp16 = results.entries.find((e) => e.precision === 'fp16')!;
    const loc = fp16.accuracy!.localization!;
    expect(loc.status).toBe('found');
    expect(loc.first).toMatchObject({ node: 'conv2', op: 'Conv' });
    // conv1 and pool1 (before the broken layer) still match the reference.
    const before = loc.layers.filter((l) => l.index < loc.first!.index);
    expect(before.map((l) => l.node)).toEqual(['conv1', 'conv1.relu', 'pool1']);
    for (const l of before) expect(l.cosine!).toBeGreaterThan(0.99999);
    expect(loc.first!.cosine!).toBeLessThan(0.9999);
    const incident = fp16.incidents.find((i) => i.kind === 'accuracy-degradation')!;
    expect(incident.message).toMatch(
      /fp16 top-1 on the labelled set \(128 items\) dropped [\d.]+ points vs fp32/,
    );
    expect(incident.message).toMatch(/first divergence at 'conv2' \(Conv, tensor 'conv2', cosine 0\.\d+\)/);
    expect(incident.nextSteps[0]).toMatch(/Keep 'conv2' in FP32/);
    expect(report).toContain('first divergence at');
    expect(report).toContain('conv2');
    // The fp32 entry passes and is not localized.
    expect(results.entries.find((e) => e.precision === 'fp32')!.accuracy!.localization).toBeUndefined();
  });
});
