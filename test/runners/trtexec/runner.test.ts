import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Results } from '../../../src/results/schema.js';
import { tempDir } from '../../helpers/tiny-config.js';
import { MLP, recordOutputs, runWithDouble, TINYCNN, trtexecConfig } from './double/pipeline.js';
import { FIXTURE_DIR } from './fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-trtexec-'));
  await recordOutputs(join(dir, 'outputs.json'));
});
afterEach(async () => {
  await cleanup();
});

const fixtureTimes = JSON.parse(
  readFileSync(join(FIXTURE_DIR, 'trex-rtx3090-resnet50-fp32-exportTimes.json'), 'utf8'),
) as Array<{ latencyMs: number }>;
const fixtureProfile = JSON.parse(
  readFileSync(join(FIXTURE_DIR, 'trex-rtx3090-resnet50-fp32-exportProfile.json'), 'utf8'),
) as Array<{ name?: string; averageMs?: number }>;

describe('trtexec runner through runPipeline (test double)', () => {
  it('produces full results: replayed samples, build info, layers, accuracy, GPU environment', async () => {
    const { results, invocations } = await runWithDouble(
      dir,
      trtexecConfig([TINYCNN], 'profile: true\nuseSpinWait: true\nworkspaceMiB: 1024', 2),
    );
    expect(Results.safeParse(results).success).toBe(true);
    expect(results.environment).toMatchObject({
      runner: 'trtexec',
      runtime: { name: 'tensorrt', version: '10.3.0' },
      device: {
        kind: 'gpu',
        name: 'NVIDIA GeForce RTX 2080',
        computeCapability: '7.5',
        driver: '550.54.15',
        memoryBytes: 8192 * 2 ** 20,
      },
    });
    const [entry] = results.entries;
    expect(entry).toMatchObject({ id: 'tinycnn/fp32/b1', status: 'ok' });
    expect(entry!.key).toMatchObject({ runner: 'trtexec', device: 'NVIDIA GeForce RTX 2080 (sm 7.5)' });
    expect(entry!.key.runtime).toBe('tensorrt 10.3.0 / driver 550.54.15');

    // Latency: the replayed RTX 3090 trace, 20 queries per trial (jitter ≤ 0.2 % per factor).
    const latency = entry!.latency!;
    expect(latency.source).toMatch(/exportTimes latencyMs/);
    expect(latency.trials).toHaveLength(2);
    for (const trial of latency.trials) {
      expect(trial.samples).toHaveLength(20);
      trial.samples.forEach((s, i) => {
        expect(s / fixtureTimes[i]!.latencyMs).toBeGreaterThan(0.995);
        expect(s / fixtureTimes[i]!.latencyMs).toBeLessThan(1.005);
      });
    }
    expect(latency.pooled.median).toBeGreaterThan(12);
    expect(latency.pooled.median).toBeLessThan(13.5);
    expect(entry!.throughput!.inferencesPerSec).toBeGreaterThan(70);
    expect(entry!.throughput!.inferencesPerSec).toBeLessThan(85);

    // Build: numbers from the replayed 10.x build log.
    const build = entry!.build!;
    expect(build.cached).toBe(false);
    expect(build.timeMs).toBeCloseTo(273_506, 3);
    expect(build.details).toMatchObject({
      timeSource: 'trtexec "Engine built in"',
      engineSizeMiB: 34.271,
      engineGenerationSec: 273.487,
      memory: {
        peakCpuMiB: 6,
        peakGpuMiB: 2174,
        totalActivationBytes: 2478873600,
        totalWeightsBytes: 34082304,
      },
      tacticsSkippedForMemory: 1,
      tensorrt: '10.3.0',
    });
    expect(build.artifactBytes).toBeGreaterThan(4096);
    expect(build.artifactPath).toContain(join('out', 'cache', 'engines'));

    // Layers: the replayed profile, typed/tactics from the detailed layer info.
    const layers = entry!.layers!;
    expect(layers).toHaveLength(fixtureProfile.length - 1);
    expect(layers[0]).toMatchObject({
      name: 'resnet50/conv1_conv/Conv2D__6',
      type: 'Shuffle',
      precision: 'fp32',
    });
    expect(layers[1]).toMatchObject({
      name: 'Conv__435 + resnet50/conv1_relu/Relu',
      type: 'CaskConvolution',
      tactic: 'ampere_scudnn_128x64_relu_medium_nn_v1',
      averageMs: 0.433152,
    });

    // Accuracy: the double answers with the ONNX Runtime outputs, so it matches the reference.
    expect(entry!.accuracy).toMatchObject({ samples: 2, passed: true });
    expect(entry!.accuracy!.worst!.cosine).toBeGreaterThan(0.99999);

    // Health: sampled, nothing wrong.
    expect(entry!.unreliable).toBeUndefined();
    expect(entry!.health).toMatchObject({ source: 'nvidia-smi', reruns: 0 });

    // What was asked of trtexec.
    const modes = invocations.map((i) => i.mode);
    expect(modes).toEqual(['help', 'build', 'benchmark', 'benchmark', 'profile', 'infer', 'infer']);
    const buildArgv = invocations[1]!.argv;
    expect(buildArgv).toEqual(
      expect.arrayContaining([
        `--onnx=${TINYCNN.onnx}`,
        '--memPoolSize=workspace:1024',
        '--profilingVerbosity=detailed',
        '--skipInference',
      ]),
    );
    expect(buildArgv.some((a) => a.startsWith('--timingCacheFile='))).toBe(true);
    // tinycnn's input is [batch, 3, 32, 32]: the configured shape becomes the profile (opt = min = max).
    expect(buildArgv).toContain('--optShapes=image:1x3x32x32');
    expect(buildArgv.some((a) => /^--(min|max)Shapes=/.test(a))).toBe(false);
    const benchArgv = invocations[2]!.argv;
    expect(benchArgv).toEqual(
      expect.arrayContaining(['--warmUp=200', '--iterations=20', '--duration=0', '--useSpinWait']),
    );
    expect(benchArgv.some((a) => a.startsWith('--exportTimes='))).toBe(true);
    expect(benchArgv.some((a) => /^--loadInputs=image:/.test(a))).toBe(true);
    expect(benchArgv).toContain('--shapes=image:1x3x32x32');
    const inferArgv = invocations[5]!.argv;
    expect(inferArgv).toEqual(expect.arrayContaining(['--iterations=1', '--warmUp=0', '--duration=0']));
    expect(inferArgv.some((a) => a.startsWith('--exportOutput='))).toBe(true);
    expect(inferArgv).not.toContain('--useSpinWait');
  });

  it('reuses the cached engine on the second run (no --onnx invocation) and keeps the timing cache', async () => {
    const config = trtexecConfig([TINYCNN]);
    const first = await runWithDouble(dir, config, {}, 'out');
    expect(first.invocations.filter((i) => i.mode === 'build')).toHaveLength(1);
    const second = await runWithDouble(dir, config, {}, 'out');
    expect(second.invocations.some((i) => i.argv.some((a) => a.startsWith('--onnx=')))).toBe(false);
    const [a, b] = [first.results.entries[0]!, second.results.entries[0]!];
    expect(b.status).toBe('ok');
    expect(b.build!.cached).toBe(true);
    expect(b.build!.artifactSha256).toBe(a.build!.artifactSha256);
    expect(b.build!.timeMs).toBe(a.build!.timeMs);
    expect(b.key.optionsHash).toBe(a.key.optionsHash);
    const timingCache = first.invocations[1]!.argv.find((x) => x.startsWith('--timingCacheFile='))!.split(
      '=',
    )[1]!;
    expect(timingCache).toContain(join('out', 'cache', 'timing'));
    expect(existsSync(timingCache)).toBe(true);

    // Another TensorRT version is another engine: rebuilt, never loaded across versions.
    const third = await runWithDouble(dir, config, { TRTEXEC_DOUBLE_VERSION: '10.6' }, 'out');
    expect(third.invocations.filter((i) => i.mode === 'build')).toHaveLength(1);
    expect(third.results.entries[0]!.build!.cached).toBe(false);
    expect(third.results.environment.runtime.version).toBe('10.6.0');
  });

  it('keeps failing entries apart: an OOM build fails one model, the other is still reported', async () => {
    const { results } = await runWithDouble(dir, trtexecConfig([TINYCNN, MLP], 'nvidiaSmi: false'), {
      TRTEXEC_DOUBLE_FAIL: 'oom',
      TRTEXEC_DOUBLE_FAIL_MATCH: 'tinycnn',
    });
    expect(Results.safeParse(results).success).toBe(true);
    const [tiny, mlp] = results.entries;
    expect(tiny).toMatchObject({ status: 'failed', error: { stage: 'build' } });
    expect(tiny!.incidents[0]).toMatchObject({ kind: 'out-of-memory', stage: 'build' });
    expect(tiny!.incidents[0]!.message).toContain('14.4 GiB');
    expect(tiny!.incidents[0]!.logExcerpt).toContain('Cuda Runtime (out of memory)');
    expect(tiny!.incidents[0]!.nextSteps.at(-1)).toMatch(/^Full trtexec log: .*tinycnn-fp32-b1\.build\.log$/);
    expect(mlp).toMatchObject({ status: 'ok' });
    expect(mlp!.latency!.trials).toHaveLength(1);
    expect(mlp!.accuracy!.passed).toBe(true);
  });

  it('stops a hanging build at runner.timeoutSec.build with a timeout incident', async () => {
    const { results } = await runWithDouble(
      dir,
      trtexecConfig([TINYCNN], 'timeoutSec: { build: 1 }\nnvidiaSmi: false'),
      {
        TRTEXEC_DOUBLE_FAIL: 'hang',
      },
    );
    const [entry] = results.entries;
    expect(entry).toMatchObject({ status: 'failed', error: { stage: 'build' } });
    expect(entry!.incidents[0]).toMatchObject({ kind: 'timeout', stage: 'build' });
    expect(entry!.incidents[0]!.message).toContain('runner.timeoutSec.build = 1 s');
  });

  it.each([
    ['crash', 'build', 'crash', {}],
    ['unsupported-op', 'build', 'unsupported-operator', {}],
    ['shape', 'build', 'shape-profile-error', {}],
    ['mismatch', 'benchmark', 'engine-mismatch', { TRTEXEC_DOUBLE_FAIL_MODE: 'benchmark' }],
  ] as const)('classifies a replayed %s failure (%s) as %s', async (fail, stage, kind, extra) => {
    const { results } = await runWithDouble(dir, trtexecConfig([TINYCNN], 'nvidiaSmi: false'), {
      TRTEXEC_DOUBLE_FAIL: fail,
      ...extra,
    });
    const [entry] = results.entries;
    expect(entry).toMatchObject({ status: 'failed', error: { stage } });
    expect(entry!.incidents.map((i) => i.kind)).toContain(kind);
  });

  it('keeps the numbers of a run that printed PASSED and its summary, then crashed at exit (139)', async () => {
    const { results } = await runWithDouble(dir, trtexecConfig([TINYCNN], 'nvidiaSmi: false', 2), {
      TRTEXEC_DOUBLE_FAIL: 'crash-at-exit',
      TRTEXEC_DOUBLE_FAIL_MODE: 'benchmark',
    });
    const [entry] = results.entries;
    expect(entry!.status).toBe('ok');
    expect(entry!.latency!.trials).toHaveLength(2);
    expect(entry!.latency!.trials[0]!.samples).toHaveLength(20);
    const crash = entry!.incidents.find((i) => i.kind === 'crash')!;
    expect(crash).toMatchObject({ stage: 'benchmark', title: 'trtexec crashed at exit after PASSED' });
    expect(crash.message).toContain('died of SIGSEGV (trials 1, 2)');
  });

  it('a crash before PASSED still fails the entry', async () => {
    const { results } = await runWithDouble(dir, trtexecConfig([TINYCNN], 'nvidiaSmi: false'), {
      TRTEXEC_DOUBLE_FAIL: 'crash',
      TRTEXEC_DOUBLE_FAIL_MODE: 'benchmark',
    });
    expect(results.entries[0]).toMatchObject({ status: 'failed', error: { stage: 'benchmark' } });
  });

  it('reports accuracy degradation when the engine output drifts from the reference', async () => {
    const { results } = await runWithDouble(dir, trtexecConfig([TINYCNN], 'nvidiaSmi: false'), {
      TRTEXEC_DOUBLE_PERTURB: '0.2',
    });
    const [entry] = results.entries;
    expect(entry!.status).toBe('ok');
    expect(entry!.accuracy!.passed).toBe(false);
    expect(entry!.accuracy!.violations.length).toBeGreaterThan(0);
  });

  it('a slower engine (scaled trace) shows in the samples', async () => {
    const { results } = await runWithDouble(dir, trtexecConfig([TINYCNN], 'nvidiaSmi: false'), {
      TRTEXEC_DOUBLE_SCALE: '1.5',
    });
    expect(results.entries[0]!.latency!.pooled.median).toBeGreaterThan(18);
  });

  it('turns a summary that disagrees with --exportTimes and an unstable-CV warning into incidents, not failures', async () => {
    const { results } = await runWithDouble(dir, trtexecConfig([TINYCNN], 'nvidiaSmi: false', 2), {
      TRTEXEC_DOUBLE_SUMMARY_SCALE: '1.5',
      TRTEXEC_DOUBLE_JITTER: '0.1',
    });
    const [entry] = results.entries;
    expect(entry!.status).toBe('ok');
    expect(entry!.unreliable).toBeUndefined();
    const titles = entry!.incidents.map((i) => `${i.kind}: ${i.title}`);
    expect(titles).toContain(
      "unreliable-measurement: trtexec's performance summary disagrees with its exported timings",
    );
    expect(titles).toContain('unreliable-measurement: trtexec reports unstable GPU compute time');
    const cross = entry!.incidents.find((i) => i.title.includes('disagrees'))!;
    expect(cross.message).toMatch(
      /^trial 1: summary mean \S+ ms vs \S+ ms from 20 exported queries, summary median .*; trial 2: /,
    );
    expect(entry!.incidents.filter((i) => i.title.includes('disagrees'))).toHaveLength(1);
  });
});
