import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Results } from '../../../src/results/schema.js';
import { sampleDuring } from '../../../src/runners/trtexec/gpu-sampling.js';
import { assessHealth } from '../../../src/runners/trtexec/health.js';
import { gpuSelector, NvidiaSmi } from '../../../src/runners/trtexec/nvidia-smi.js';
import { HealthOptions } from '../../../src/runners/trtexec/options.js';
import { type GpuSample, parseSmiLine, QUERY_FIELDS } from '../../../src/runners/trtexec/smi-csv.js';
import { tempDir } from '../../helpers/tiny-config.js';
import { NVIDIA_SMI_DOUBLE, readInvocations } from './double/helpers.js';
import { recordOutputs, runWithDouble, TINYCNN, trtexecConfig } from './double/pipeline.js';

const health = HealthOptions.parse({});
const sample = (s: Partial<GpuSample>): GpuSample => ({ phase: 'during', tMs: 0, ...s });

describe('nvidia-smi CSV', () => {
  it('reads values, [N/A], Active/Not Active and the hex reason mask', () => {
    const line =
      'NVIDIA GeForce RTX 3090, 8.6, 550.54.15, 24576, 1024, 1695, 2100, 71, [N/A], 350.00, P2, 0x0000000000000024, Not Active, Active, Active, [Not Supported]';
    expect(parseSmiLine(line, QUERY_FIELDS, 'during')).toEqual({
      phase: 'during',
      tMs: 0,
      name: 'NVIDIA GeForce RTX 3090',
      computeCapability: '8.6',
      driver: '550.54.15',
      memoryTotalMiB: 24576,
      memoryUsedMiB: 1024,
      smClockMHz: 1695,
      maxSmClockMHz: 2100,
      temperatureC: 71,
      powerLimitW: 350,
      pstate: 'P2',
      reasonsMask: 0x24,
      hwThermalSlowdown: false,
      swThermalSlowdown: true,
      swPowerCap: true,
    });
  });

  it('reads the old clocks_throttle_reasons names and keeps a GPU name with a comma whole', () => {
    const fields = [
      'name',
      'clocks.sm',
      'clocks_throttle_reasons.active',
      'clocks_throttle_reasons.hw_thermal_slowdown',
    ];
    expect(parseSmiLine('Tesla T4, rev A, 585, 0x0000000000000040, Active', fields, 'after')).toMatchObject({
      name: 'Tesla T4, rev A',
      smClockMHz: 585,
      reasonsMask: 0x40,
      hwThermalSlowdown: true,
    });
  });

  it('queries the GPU CUDA would use', () => {
    expect(gpuSelector({})).toBe('0');
    expect(gpuSelector({ CUDA_VISIBLE_DEVICES: '2,3' })).toBe('2');
    expect(gpuSelector({ CUDA_VISIBLE_DEVICES: 'GPU-6794f491-ac89-5cef-cdc5-a41123217fbd' })).toBe(
      'GPU-6794f491-ac89-5cef-cdc5-a41123217fbd',
    );
  });
});

describe('NvidiaSmi (double)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('retries with clocks_throttle_reasons.* when the driver rejects clocks_event_reasons.*', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      vi.stubEnv('NVIDIA_SMI_DOUBLE_STATE', 'old-driver');
      vi.stubEnv('NVIDIA_SMI_DOUBLE_LOG', join(dir, 'smi.jsonl'));
      const smi = new NvidiaSmi(NVIDIA_SMI_DOUBLE);
      const first = await smi.query('before');
      expect(first.sample).toMatchObject({
        name: 'NVIDIA GeForce RTX 2080',
        driver: '525.147.05',
        reasonsMask: 0,
      });
      expect(smi.queryFields).toContain('clocks_throttle_reasons.active');
      await smi.query('during');
      const calls = await readInvocations(join(dir, 'smi.jsonl'));
      // One rejected query, then the old names from then on.
      expect(calls).toHaveLength(3);
      expect(calls[0]!.argv[0]).toContain('clocks_event_reasons.active');
      expect(calls[2]!.argv[0]).toContain('clocks_throttle_reasons.active');
    } finally {
      await cleanup();
    }
  });

  it('reports a driver failure as an error, not a sample', async () => {
    vi.stubEnv('NVIDIA_SMI_DOUBLE_FAIL', '1');
    const r = await new NvidiaSmi(NVIDIA_SMI_DOUBLE).query('before');
    expect(r.sample).toBeUndefined();
    expect(r.error).toMatch(/exited with code 9: NVIDIA-SMI has failed/);
  });
});

describe('assessHealth', () => {
  it('accepts a steady GPU and ignores idle samples at idle clocks', () => {
    const r = assessHealth(
      [
        sample({ phase: 'before', smClockMHz: 300, maxSmClockMHz: 2100, reasonsMask: 0x1 }),
        sample({ smClockMHz: 1905, maxSmClockMHz: 2100, temperatureC: 60, reasonsMask: 0 }),
      ],
      health,
    );
    expect(r.unreliable).toBeUndefined();
    expect(r.incidents).toEqual([]);
    expect(r.summary).toMatchObject({
      samples: { before: 1, during: 1, after: 0 },
      smClockMHz: { min: 300, max: 1905 },
    });
  });

  it('flags thermal slowdown and heat as thermal-throttling', () => {
    const r = assessHealth(
      [sample({ temperatureC: 91, reasonsMask: 0x40, smClockMHz: 1800, maxSmClockMHz: 2100 })],
      health,
    );
    expect(r.unreliable).toMatch(/thermal slowdown active in 1 of 1 .*temperature reached 91 °C/);
    expect(r.incidents.map((i) => i.kind)).toEqual(['thermal-throttling']);
  });

  it('flags power capping unless told it is expected', () => {
    const s = [sample({ swPowerCap: true, smClockMHz: 1900, maxSmClockMHz: 2100 })];
    expect(assessHealth(s, health).incidents.map((i) => i.kind)).toEqual(['unreliable-measurement']);
    expect(assessHealth(s, { ...health, powerCapIsUnreliable: false }).unreliable).toBeUndefined();
  });

  it('judges the SM clock against the locked clock when one is configured', () => {
    const s = [sample({ smClockMHz: 1600, maxSmClockMHz: 2100 })];
    expect(assessHealth(s, health).unreliable).toBeUndefined(); // 76 % of max: max is a boost clock
    const locked = { ...health, expectedSmClockMHz: 1700, minSmClockRatio: 0.95 };
    expect(assessHealth(s, locked).unreliable).toMatch(
      /SM clock fell to 1600 MHz, 94% of the expected \(locked\) 1700 MHz/,
    );
    expect(
      assessHealth([sample({ smClockMHz: 1700, maxSmClockMHz: 2100 })], locked).unreliable,
    ).toBeUndefined();
    expect(assessHealth([sample({ smClockMHz: 900, maxSmClockMHz: 2100 })], health).unreliable).toMatch(
      /43% of the maximum/,
    );
  });
});

describe('sampleDuring', () => {
  /** A promise and its resolver, so a test decides when work or a sample finishes (no sleeps). */
  function deferred<T>() {
    let resolve!: (value: T) => void;
    const promise = new Promise<T>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  }
  /** Lets every pending promise reaction and I/O callback run (no timers involved). */
  const drain = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };

  it('samples while the work runs and stops with it', async () => {
    // The work ends inside the third sample, which the test holds open: sampleDuring must wait for
    // that sample (the loop never outlives the call) and must not keep it (it came after the end).
    const work = deferred<string>();
    const third = deferred<GpuSample>();
    let calls = 0;
    let returned = false;
    const running = sampleDuring(
      work.promise,
      async () => {
        calls++;
        if (calls < 3) return sample({ tMs: calls });
        work.resolve('done');
        return third.promise;
      },
      1,
      1000,
    ).then((r) => {
      returned = true;
      return r;
    });
    await work.promise;
    await drain();
    expect(returned).toBe(false); // still waiting for the in-flight sample
    third.resolve(sample({ tMs: 3 }));
    const { result, samples } = await running;
    expect(result).toBe('done');
    expect(samples.map((s) => s.tMs)).toEqual([1, 2]);
    expect(calls).toBe(3);
  });

  it('never takes more than maxSamples, and passes the work failure through', async () => {
    const work = deferred<void>();
    let calls = 0;
    const running = sampleDuring(
      work.promise,
      async () => {
        calls++;
        // The work ends well after the third sample: the 5 ms interval timer of a fourth sample, set
        // later than this 50 ms one, still fires first (timers fire in order of expiry).
        if (calls === 3) setTimeout(() => work.resolve(), 50);
        return sample({ tMs: calls });
      },
      5,
      3,
    );
    const { samples } = await running;
    expect(samples).toHaveLength(3);
    expect(calls).toBe(3);
    await expect(
      sampleDuring(Promise.reject(new Error('boom')), async () => undefined, 5, 3),
    ).rejects.toThrow('boom');
  });
});

describe('trtexec runner health through runPipeline (doubles)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('trt-gate-trtexec-health-'));
    await recordOutputs(join(dir, 'outputs.json'), [TINYCNN]);
  });
  afterEach(async () => {
    await cleanup();
  });

  it('a thermally throttled GPU makes the entry unreliable after maxReruns, with a thermal-throttling incident', async () => {
    const { results, invocations } = await runWithDouble(dir, trtexecConfig([TINYCNN], 'maxReruns: 1'), {
      NVIDIA_SMI_DOUBLE_STATE: 'thermal',
    });
    expect(Results.safeParse(results).success).toBe(true);
    const [entry] = results.entries;
    expect(entry!.status).toBe('ok');
    expect(entry!.unreliable).toMatch(
      /^thermal slowdown active in \d+ of \d+ nvidia-smi samples; GPU temperature reached 91 °C .*\(still after 1 re-run\)$/,
    );
    expect(entry!.incidents.map((i) => i.kind)).toContain('thermal-throttling');
    expect(entry!.health).toMatchObject({ reruns: 1, attempts: [{ attempt: 1 }, { attempt: 2 }] });
    // Two attempts × one trial.
    expect(invocations.filter((i) => i.mode === 'benchmark')).toHaveLength(2);
    expect(entry!.latency!.trials).toHaveLength(1);
  });

  it('re-runs once the throttling is gone and keeps the reliable measurement', async () => {
    // Probe and the first "before" sample see a hot GPU; everything after is fine.
    const { results } = await runWithDouble(dir, trtexecConfig([TINYCNN], 'maxReruns: 2'), {
      NVIDIA_SMI_DOUBLE_STATE: 'thermal:2,ok',
      NVIDIA_SMI_DOUBLE_LOG: join(dir, 'smi.jsonl'),
    });
    const [entry] = results.entries;
    expect(entry!.unreliable).toBeUndefined();
    expect(entry!.incidents.filter((i) => i.kind === 'thermal-throttling')).toEqual([]);
    expect(entry!.health).toMatchObject({ reruns: 1 });
    expect((entry!.health!.attempts as Array<{ unreliable?: string }>)[0]!.unreliable).toMatch(/thermal/);
  });

  it('a clock far below the maximum is an unreliable measurement', async () => {
    const { results } = await runWithDouble(dir, trtexecConfig([TINYCNN], 'maxReruns: 0'), {
      NVIDIA_SMI_DOUBLE_STATE: 'lowclock',
    });
    const [entry] = results.entries;
    expect(entry!.unreliable).toMatch(/SM clock fell to 900 MHz, 43% of the maximum 2100 MHz/);
    expect(entry!.incidents.map((i) => i.kind)).toContain('unreliable-measurement');
  });

  it("without nvidia-smi the GPU comes from trtexec's device block and health is marked unavailable", async () => {
    const { results, invocations } = await runWithDouble(dir, trtexecConfig([TINYCNN], 'nvidiaSmi: false'));
    expect(results.environment.device).toEqual({
      kind: 'gpu',
      name: 'NVIDIA GeForce RTX 2080',
      computeCapability: '7.5',
      memoryBytes: 7974 * 2 ** 20,
    });
    expect(invocations[1]!.argv[0]).toMatch(/^--loadEngine=.*no-such\.engine$/);
    const [entry] = results.entries;
    expect(entry!.status).toBe('ok');
    expect(entry!.health).toEqual({
      available: false,
      reason: 'runner.nvidiaSmi: false',
      clocksPolicy: 'unknown (no nvidia-smi)',
    });
  });

  it('records the clocks policy: boost, held by a clocks setting, or locked as the config declares', async () => {
    const policy = async (state: string, extra = 'maxReruns: 0') => {
      const { results } = await runWithDouble(dir, trtexecConfig([TINYCNN], extra), {
        NVIDIA_SMI_DOUBLE_STATE: state,
      });
      return results.entries[0]!.health!.clocksPolicy;
    };
    expect(await policy('ok')).toBe('boost');
    expect(await policy('locked')).toBe('locked (clocks setting)');
    expect(
      await policy(
        'locked',
        'maxReruns: 0\nhealth: { cooldownSec: 0, sampleIntervalMs: 200, expectedSmClockMHz: 1800, minSmClockRatio: 0.95 }',
      ),
    ).toBe('locked 1800 MHz (config)');
  });

  it('a broken nvidia-smi falls back the same way and says why', async () => {
    const { results } = await runWithDouble(dir, trtexecConfig([TINYCNN]), { NVIDIA_SMI_DOUBLE_FAIL: '1' });
    expect(results.environment.device.name).toBe('NVIDIA GeForce RTX 2080');
    expect(results.entries[0]!.health).toMatchObject({
      available: false,
      reason: expect.stringMatching(/NVIDIA-SMI has failed/),
    });
  });
});
