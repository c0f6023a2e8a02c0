import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/gate/rng.js';
import { analyseSeries } from '../../src/history/detect.js';
import { eDivisive } from '../../src/history/edivisive.js';
import { readSeries } from '../../src/history/series.js';
import { InMemoryBaselineStore } from '../../src/store/memory-store.js';
import { mulberry32, normalSource } from '../../src/util/prng.js';
import { type NightlyPlan, nightlyResults } from './nightly.js';

async function analyse(plan: NightlyPlan) {
  const store = new InMemoryBaselineStore();
  const normal = normalSource(mulberry32(plan.seed ?? 3));
  for (let run = 1; run <= plan.runs; run++)
    await store.append(nightlyResults(run, plan, normal), { historySize: 100 });
  const [series] = await readSeries(store);
  return analyseSeries(series!);
}

const runtime = () => 'tensorrt 10.3.0 / driver 550.54';

describe('e-divisive', () => {
  it('splits a clean step where it is and leaves noise alone', () => {
    const normal = normalSource(mulberry32(11));
    const noise = Array.from({ length: 30 }, () => 10 + 0.1 * normal());
    const options = { alpha: 0.001, permutations: 1999, minSize: 3, rng: createRng(1) };
    expect(eDivisive(noise, options)).toEqual([]);
    const stepped = noise.map((v, i) => (i >= 18 ? v + 1 : v));
    const found = eDivisive(stepped, options);
    expect(found.map((c) => c.index)).toEqual([18]);
    expect(found[0]!.pValue).toBeLessThanOrEqual(0.001);
  });
});

describe('history classification', () => {
  it('tells a two-run blip from a step', async () => {
    const s = await analyse({ runs: 30, runtime, level: (r) => (r === 12 || r === 13 ? 2.4 : 2) });
    expect(s.steps).toEqual([]);
    const blip = s.blips.find((b) => b.metric === 'latency.p50')!;
    expect(blip).toMatchObject({ kind: 'blip', runs: [12, 13], worse: true });
    expect(blip.deltaPct).toBeGreaterThan(15);
  });

  it('calls deviating latest runs pending, not a step', async () => {
    const s = await analyse({ runs: 30, runtime, level: (r) => (r >= 29 ? 2.3 : 2) });
    expect(s.steps).toEqual([]);
    expect(s.blips.find((b) => b.metric === 'latency.p50')).toMatchObject({
      kind: 'pending',
      runs: [29, 30],
    });
  });

  it('marks a regression recovered when a later step brings the level back', async () => {
    const s = await analyse({ runs: 36, runtime, level: (r) => (r >= 12 && r < 24 ? 2.2 : 2) });
    const p50 = s.steps.filter((x) => x.metric === 'latency.p50');
    expect(p50.map((x) => [x.kind, x.atRun])).toEqual([
      ['regression', 12],
      ['improvement', 24],
    ]);
    expect(p50[0]).toMatchObject({ status: 'recovered', recoveredAtRun: 24 });
  });

  it('does not report a significant step below the minimum effect', async () => {
    const s = await analyse({ runs: 40, runtime, runNoisePct: 0.2, level: (r) => (r >= 20 ? 2.02 : 2) });
    expect(s.steps.filter((x) => x.metric === 'latency.p50')).toEqual([]);
  });

  it('finds an accuracy step', async () => {
    const s = await analyse({
      runs: 20,
      runtime,
      level: () => 2,
      cosine: (r) => (r >= 10 ? 0.9991 : 0.99995),
    });
    expect(s.steps.find((x) => x.metric === 'accuracy.cosine')).toMatchObject({
      kind: 'regression',
      atRun: 10,
    });
  });
});
