import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { type HistoryReport, readHistory } from '../../src/history/index.js';
import { fakeIO } from '../helpers/fake-io.js';
import { makeTempDir } from '../store/helpers.js';
import { nightlyStore, STEP_AND_UPGRADE, writeNightlyStore } from './nightly.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function storeDir(plan = STEP_AND_UPGRADE): Promise<string> {
  const { dir, cleanup } = await makeTempDir();
  cleanups.push(cleanup);
  await writeNightlyStore(dir, plan);
  return dir;
}

async function store(plan = STEP_AND_UPGRADE) {
  return nightlyStore(await storeDir(plan));
}

async function cli(args: string[]) {
  const out = fakeIO({ cwd: '/' });
  const code = await main(args, out.io);
  return { code, stdout: out.stdout, stderr: out.stderr };
}

describe('history over a filesystem store', () => {
  it('finds the 5 % step at run 25 and reports the TensorRT upgrade at 32 as an environment change', async () => {
    const dir = await storeDir();
    const { code, stdout } = await cli(['history', '--json', '--store', dir]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as HistoryReport;
    expect(report.series).toHaveLength(1);
    const s = report.series[0]!;
    expect(s.runs).toBe(40);
    const p50 = s.steps.filter((x) => x.metric === 'latency.p50');
    expect(p50).toHaveLength(1);
    expect(Math.abs(p50[0]!.atRun - 25)).toBeLessThanOrEqual(2);
    expect(p50[0]!.kind).toBe('regression');
    expect(p50[0]!.deltaPct).toBeGreaterThan(3);
    expect(p50[0]!.deltaPct).toBeLessThan(7);
    expect(p50[0]!.intervalPct[0]).toBeLessThan(p50[0]!.deltaPct);
    expect(p50[0]!.intervalPct[1]).toBeGreaterThan(p50[0]!.deltaPct);
    // Every step found is the one at 25 (p50, p99, throughput), none near the upgrade.
    for (const step of s.steps) expect(Math.abs(step.atRun - 25)).toBeLessThanOrEqual(2);
    expect(s.steps.map((x) => x.metric).sort()).toEqual(['latency.p50', 'latency.p99', 'throughput']);
    expect(s.environmentSteps).toHaveLength(1);
    const env = s.environmentSteps[0]!;
    expect(env.atRun).toBe(32);
    expect(env.changes).toEqual([{ field: 'runtime', from: 'tensorrt 10.3.0', to: 'tensorrt 10.4.0' }]);
    const envP50 = env.levels.find((l) => l.metric === 'latency.p50')!;
    expect(envP50.deltaPct).toBeLessThan(-5);
    expect(p50[0]!.range.toRun).toBe(p50[0]!.atRun);
    expect(p50[0]!.range.toSha).toMatch(/^c0ffee/);

    const markdown = await cli(['history', '--store', dir, '--key', 'resnet50/fp16']);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toMatch(/\| regression \| latency\.p50 \| 2[3-7] \|/);
    expect(markdown.stdout).toContain('runtime tensorrt 10.3.0 → tensorrt 10.4.0');
    expect(markdown.stdout).toContain('not a regression: the environment changed');
  });

  it('refuses a --key that selects nothing, and a bad --min-effect, with exit 2', async () => {
    const dir = await storeDir({ ...STEP_AND_UPGRADE, runs: 3 });
    const none = await cli(['history', '--store', dir, '--key', 'nosuchmodel']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no stored series matches');
    expect((await cli(['history', '--store', dir, '--min-effect', 'abc'])).code).toBe(2);
    const short = await cli(['history', '--store', dir, '--json']);
    expect(JSON.parse(short.stdout).series[0].untested).toContain('latency.p50');
  });

  it('reports no step on a flat series, and is reproducible', async () => {
    const flat = await store({
      ...STEP_AND_UPGRADE,
      level: () => 2,
      runtime: () => 'tensorrt 10.3.0 / driver 550.54',
    });
    const a = (await readHistory(flat)).report;
    expect(a.series[0]!.steps).toEqual([]);
    expect(a.series[0]!.environmentSteps).toEqual([]);
    expect((await readHistory(flat)).report).toEqual(a);
  });
});
