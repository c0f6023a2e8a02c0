import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { benchmarkArgs, concurrencyFlag } from '../../../src/runners/trtexec/flags.js';
import { parseVersionString } from '../../../src/runners/trtexec/parse/version.js';
import { tempDir } from '../../helpers/tiny-config.js';
import { recordOutputs, runWithDouble, TINYCNN, trtexecConfig } from './double/pipeline.js';

const v = (text: string) => parseVersionString(text)!;
const fixture = (name: string) =>
  readFile(fileURLToPath(new URL(`../../fixtures/trtexec2/${name}`, import.meta.url)), 'utf8');

describe('sweep concurrency as trtexec --infStreams', () => {
  it.each([
    // The option echo of real logs names the inference-streams option each version read.
    ['trt8.2.3-gtx1070-loadengine-perf-verbose.log', '8.2.3', 'streams', /\[I\] Streams: 1$/m],
    ['trt8.6.0-loadengine-perf-verbose.log', '8.6.0', 'infStreams', /\[I\] Inference Streams: 1$/m],
    ['trt10.16.1-onnx-default-build-and-run.log', '10.16.1', 'infStreams', /\[I\] Inference Streams: 1$/m],
    [
      'trt11.0.0-b200-stronglytyped-build-skipinference.log',
      '11.0.0',
      'infStreams',
      /\[I\] Inference Streams: 1$/m,
    ],
  ] as const)('%s: TensorRT %s takes --%s', async (log, version, flag, echo) => {
    expect(await fixture(log)).toMatch(echo);
    expect(concurrencyFlag(v(version))).toBe(flag);
  });

  it.each(['8.6.1', '10.3.0', '11.0.0'])(
    'emits --infStreams=N on %s only for N > 1, and refuses a bad N',
    (text) => {
      const args = (infStreams?: number) => benchmarkArgs({ loadEngine: '/e.plan', infStreams }, v(text));
      expect(args(4)).toContain('--infStreams=4');
      expect(args(1).some((a) => a.includes('Streams'))).toBe(false);
      expect(args(undefined).some((a) => a.includes('Streams'))).toBe(false);
      expect(() => args(0)).toThrow(ConfigError);
      expect(() => args(1.5)).toThrow(/infStreams: must be an integer ≥ 1/);
    },
  );
});

describe('a sweep over concurrency through the trtexec double', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('trt-gate-infstreams-'));
    await recordOutputs(`${dir}/outputs.json`, [TINYCNN]);
  });
  afterEach(async () => {
    await cleanup();
  });

  it.each(['8.6.1', '11.0.0'])(
    'TensorRT %s: runs concurrency 2 and 4 as --infStreams, counting every stream’s queries',
    async (version) => {
      const model = {
        ...TINYCNN,
        lines: [
          'sweep: { batchSizes: [1], concurrency: [1, 2, 4], minGainPct: 0, warmup: 1, iterations: 20, trials: 1 }',
        ],
      };
      const { results, invocations } = await runWithDouble(dir, trtexecConfig([model]), {
        TRTEXEC_DOUBLE_VERSION: version,
        // Contention: each query 20 % slower per extra stream, so throughput grows less than N×.
        TRTEXEC_DOUBLE_STREAM_SLOWDOWN: '1.2',
      });
      const runs = invocations.filter((i) => i.mode === 'benchmark');
      const streams = runs.map((i) => i.argv.find((a) => a.startsWith('--infStreams='))).filter(Boolean);
      expect(new Set(streams)).toEqual(new Set(['--infStreams=2', '--infStreams=4']));
      const points = results.entries[0]!.sweep!.points;
      const at = (c: number) => points.find((p) => p.concurrency === c && p.batchSize === 1)!;
      for (const c of [1, 2, 4]) expect(at(c).error).toBeUndefined();
      // N streams of 20 queries over about one stream's span, each query slower by the contention.
      const gain2 = at(2).itemsPerSec! / at(1).itemsPerSec!;
      const gain4 = at(4).itemsPerSec! / at(1).itemsPerSec!;
      expect(gain2).toBeGreaterThan(1.5);
      expect(gain2).toBeLessThan(2);
      expect(gain4).toBeGreaterThan(gain2);
      expect(gain4).toBeLessThan(4);
      // Per-query latency is each query's own, slower under contention.
      expect(at(4).latency!.median).toBeGreaterThan(at(1).latency!.median * 1.5);
    },
    120_000,
  );
});
