import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SUMMARY_SOURCE } from '../../src/import/trtexec.js';
import { summarize } from '../../src/stats/summary.js';
import { tempDir } from '../helpers/tiny-config.js';
import { importCli } from './cli.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'trtexec');
const fx = (name: string) => join(FIX, name);
const TIMES = fx('trex-rtx3090-resnet50-fp32-exportTimes.json');
const timesLatency = (JSON.parse(readFileSync(TIMES, 'utf8')) as Array<{ latencyMs: number }>).map(
  (q) => q.latencyMs,
);
const RTX3090 = ['--device', 'NVIDIA GeForce RTX 3090', '--compute-capability', '8.6'];

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-import-'));
});
afterEach(async () => {
  await cleanup();
});

const cli = (args: string[]) => importCli(dir, args);

describe('trt-gate import trtexec', () => {
  it('imports a complete 10.x log with its --exportTimes, profile and layer info', async () => {
    const r = await cli([
      '--log',
      fx('synthetic-trt10.6-perf-summary-complete.log'),
      '--times',
      TIMES,
      '--profile',
      fx('trex-rtx3090-resnet50-fp32-exportProfile.json'),
      '--layers',
      fx('trex-rtx3090-resnet50-fp32-exportLayerInfo-detailed.json'),
      '--precision',
      'fp32',
      '--batch-size',
      '1',
      ...RTX3090,
    ]);
    expect(r.code).toBe(0);
    const results = r.results!;
    expect(results.environment).toMatchObject({
      runner: 'trtexec',
      runtime: { name: 'tensorrt', version: '10.6.0' },
      device: { kind: 'gpu', name: 'NVIDIA GeForce RTX 3090', computeCapability: '8.6' },
      details: { tensorrtBuild: 26, command: ['--loadEngine=model.plan', '--noDataTransfers'] },
    });
    const [entry] = results.entries;
    expect(entry).toMatchObject({ id: 'model/fp32/b1', model: 'model', status: 'ok' });
    expect(entry!.key).toMatchObject({
      runner: 'trtexec',
      device: 'NVIDIA GeForce RTX 3090 (sm 8.6)',
      runtime: 'tensorrt 10.6.0',
    });
    expect(entry!.latency!.trials[0]!.samples).toEqual(timesLatency);
    expect(entry!.latency!.pooled).toEqual(summarize(timesLatency));
    expect(entry!.latency!.pooled.count).toBe(263);
    expect(entry!.latency!.source).toMatch(/^trtexec --exportTimes latencyMs/);
    // Throughput as trtexec printed it.
    expect(entry!.throughput).toEqual({ inferencesPerSec: 174.926, itemsPerSec: 174.926 });
    expect(entry!.layers![1]).toMatchObject({
      type: 'CaskConvolution',
      tactic: 'ampere_scudnn_128x64_relu_medium_nn_v1',
    });
    // The synthetic summary (mean 7.84 ms) and the RTX 3090 trace (mean ~12.2 ms) are different runs.
    expect(entry!.incidents.map((i) => i.kind)).toEqual(['unreliable-measurement']);
    expect(entry!.incidents[0]!.message).toMatch(/summary mean 7\.84114 ms vs 12\.\d+ ms from 263 samples/);
    expect(r.stdout).toMatch(
      /imported model\/fp32\/b1 on NVIDIA GeForce RTX 3090 \(TensorRT 10\.6\.0\): median 12\.\d+ ms/,
    );
  });

  it('imports an 8.x log with a legacy --exportTimes file (warm-up queries dropped) and keeps its warnings', async () => {
    const r = await cli([
      '--log',
      fx('synthetic-trt8.4-perf-summary.log'),
      '--times',
      fx('synthetic-exportTimes-legacy-trt8.0.json'),
      '--precision',
      'int8',
      '--batch-size',
      '4',
      '--model',
      'resnet50',
      ...RTX3090,
    ]);
    expect(r.code).toBe(0);
    const [entry] = r.results!.entries;
    expect(entry!.id).toBe('resnet50/int8/b4');
    expect(r.results!.environment.runtime.version).toBe('8.4.1');
    expect(entry!.latency!.trials[0]!.samples).toEqual([1.19, 1.2, 1.21, 1.22]);
    expect(entry!.throughput).toEqual({ inferencesPerSec: 2006.25, itemsPerSec: 8025 });
    const kinds = entry!.incidents.map((i) => i.title);
    expect(kinds).toContain('trtexec reports unstable GPU compute time');
    expect(entry!.incidents.find((i) => i.title.includes('unstable'))!.message).toContain('4.07421%');
  });

  it('imports the real (cut) 10.x log with --times, taking the batch size from its input shapes', async () => {
    const r = await cli([
      '--log',
      fx('trt10.x-inference-setup-trace-perf-summary.log'),
      '--times',
      TIMES,
      '--model',
      'foundationpose',
      '--precision',
      'fp16',
      '--trt-version',
      '10.3.0',
      ...RTX3090,
    ]);
    expect(r.code).toBe(0);
    const [entry] = r.results!.entries;
    expect(entry!.id).toBe('foundationpose/fp16/b252');
    expect(entry!.throughput!.inferencesPerSec).toBe(8.54706);
    expect(entry!.throughput!.itemsPerSec).toBeCloseTo(8.54706 * 252, 9);
    expect(r.results!.environment.details.summary).toMatchObject({
      throughputQps: 8.54706,
      missing: expect.arrayContaining(['latency.median', 'gpuCompute']),
    });
  });

  it('reads the device block of a log, and refuses a --device that contradicts it', async () => {
    const args = [
      '--log',
      fx('trt8.6.3-device-info-build-start.log'),
      '--times',
      TIMES,
      '--model',
      'm',
      '--precision',
      'fp16',
      '--batch-size',
      '1',
    ];
    const ok = await cli(args);
    expect(ok.code).toBe(0);
    expect(ok.results!.environment.device).toEqual({
      kind: 'gpu',
      name: 'NVIDIA GeForce RTX 2080',
      computeCapability: '7.5',
      memoryBytes: 7974 * 2 ** 20,
    });
    expect(ok.results!.environment.runtime.version).toBe('8.6.3');
    const bad = await cli([...args, '--device', 'NVIDIA A100']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      '--device "NVIDIA A100" contradicts the log, which shows GPU NVIDIA GeForce RTX 2080',
    );
    const version = await cli([...args, '--trt-version', '10.3.0']);
    expect(version.code).toBe(2);
    expect(version.stderr).toContain(
      '--trt-version "10.3.0" contradicts the log, which shows TensorRT 8.6.3',
    );
  });

  it('reads logs without timestamps the same way', async () => {
    const text = readFileSync(fx('synthetic-trt10.6-perf-summary-complete.log'), 'utf8').replace(
      /^\[\d\d\/\d\d\/\d{4}-[\d:]+\] /gm,
      '',
    );
    expect(text).not.toMatch(/^\[\d\d\//m);
    await writeFile(join(dir, 'plain.log'), text);
    const r = await cli([
      '--log',
      'plain.log',
      '--times',
      TIMES,
      '--precision',
      'fp32',
      '--batch-size',
      '1',
      ...RTX3090,
    ]);
    expect(r.code).toBe(0);
    expect(r.results!.entries[0]!.throughput!.inferencesPerSec).toBe(174.926);
  });

  it('takes model and precision from the command a log echoes', async () => {
    const text = readFileSync(fx('synthetic-trt10.6-perf-summary-complete.log'), 'utf8').replaceAll(
      '# trtexec --loadEngine=model.plan --noDataTransfers',
      '# trtexec --onnx=/models/resnet50.onnx --fp16 --saveEngine=/tmp/r.plan --shapes=input:8x3x224x224',
    );
    await writeFile(join(dir, 'fp16.log'), text);
    const r = await cli(['--log', 'fp16.log', '--times', TIMES, ...RTX3090]);
    expect(r.code).toBe(0);
    expect(r.results!.entries[0]!.id).toBe('resnet50/fp16/b8');
    expect(r.results!.environment.details.command).toEqual([
      '--onnx=/models/resnet50.onnx',
      '--fp16',
      '--saveEngine=/tmp/r.plan',
      '--shapes=input:8x3x224x224',
    ]);
  });

  it('records the precision of a TensorRT 11 build (strongly typed) as unknown unless --precision gives it', async () => {
    const args = [
      '--log',
      fx('synthetic-trt11.0-header.log'),
      '--times',
      TIMES,
      '--batch-size',
      '1',
      ...RTX3090,
    ];
    const unknown = await cli(args);
    expect(unknown.code).toBe(0);
    expect(unknown.results!.entries[0]!.id).toBe('model/unknown/b1');
    expect(unknown.results!.environment.details.precisionSource).toBe(
      'a strongly typed network takes its precisions from the model',
    );
    expect(unknown.stderr).toContain('--precision <fp32|fp16|bf16|int8>');
    const ok = await cli([...args, '--precision', 'fp16']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('');
    expect(ok.results!.entries[0]!.id).toBe('model/fp16/b1');
    expect(ok.results!.environment.details.tensorrtBuild).toBe(12);
  });

  it('without --times, imports the statistics the summary prints and marks the others absent', async () => {
    const common = ['--precision', 'fp32', '--batch-size', '1', ...RTX3090];
    for (const [log, absent] of [
      ['synthetic-trt10.6-perf-summary-complete.log', ['stddev', 'cv']],
      ['synthetic-trt8.4-perf-summary.log', ['p90', 'p95', 'stddev', 'cv']],
    ] as const) {
      const r = await cli(['--log', fx(log), ...common]);
      expect(r.code, log).toBe(0);
      const latency = r.results!.entries[0]!.latency!;
      expect(latency.source).toBe(SUMMARY_SOURCE);
      expect(latency.absent).toEqual(absent);
      expect(latency.trials[0]!.samples).toEqual([]);
      for (const key of absent) expect(latency.pooled[key]).toBeUndefined();
    }
    // A summary cut before its latency median has nothing to stand on.
    const cut = await cli(['--log', fx('trt10.x-inference-setup-trace-perf-summary.log')]);
    expect(cut.code).toBe(4);
    expect(cut.stderr).toContain('the performance summary has no latency median (the log is cut)');
  });

  it('records what the log does not show as unknown, with one warning naming every flag', async () => {
    const r = await cli(['--log', fx('trt10.x-inference-setup-trace-perf-summary.log'), '--times', TIMES]);
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'the log does not show the TensorRT version, GPU, compute capability, model, precision; recorded as unknown. ' +
        'To complete it pass --trt-version <x.y.z> --device "<GPU name>" --compute-capability <x.y> --model <name> --precision <fp32|fp16|bf16|int8>',
    );
    const results = r.results!;
    expect(results.environment.runtime.version).toBe('unknown');
    expect(results.environment.device.name).toBe('unknown');
    expect(results.entries[0]!.id).toBe('unknown/unknown/b252');
    expect(results.environment.details.unknown).toEqual([
      'TensorRT version',
      'GPU',
      'compute capability',
      'model',
      'precision',
    ]);
  });

  it('refuses input it cannot read with exit 4, never a silent zero', async () => {
    await writeFile(join(dir, 'notes.txt'), 'build went fine, about 12 ms per image\n');
    await writeFile(join(dir, 'binary.log'), Buffer.from([0, 1, 2, 255, 254, 10, 13]));
    await writeFile(
      join(dir, 'broken-number.log'),
      readFileSync(fx('synthetic-trt10.6-perf-summary-complete.log'), 'utf8').replace(
        'Throughput: 174.926 qps',
        'Throughput: 17a.926 qps',
      ),
    );
    await writeFile(join(dir, 'times.json'), '{ "not": "a trace" }');
    const common = ['--precision', 'fp32', '--batch-size', '1', ...RTX3090];
    const cases: Array<[string[], RegExp]> = [
      [['--log', 'notes.txt', ...common], /notes\.txt: not a trtexec log/],
      [['--log', 'binary.log', ...common], /binary\.log: not a trtexec log/],
      [['--log', 'missing.log', ...common], /missing\.log: cannot read the trtexec log/],
      [
        ['--log', 'broken-number.log', '--times', TIMES, ...common],
        /line \d+: Throughput: expected a number, found "17a\.926"/,
      ],
      [
        ['--log', fx('synthetic-trt10.6-perf-summary-complete.log'), '--times', 'times.json', ...common],
        /times\.json: expected a JSON array of per-query timings/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(4);
      expect(r.stderr).toMatch(message);
    }
  });

  it('rejects bad usage with exit 2', async () => {
    const log = fx('synthetic-trt10.6-perf-summary-complete.log');
    expect((await cli(['--log', log, '--precision', 'fp64'])).code).toBe(2);
    expect((await cli(['--log', log, '--batch-size', '0'])).code).toBe(2);
    expect((await cli(['--times', TIMES])).code).toBe(2);
    const layersOnly = await cli([
      '--log',
      log,
      '--times',
      TIMES,
      '--precision',
      'fp32',
      '--batch-size',
      '1',
      ...RTX3090,
      '--layers',
      fx('trex-rtx3090-resnet50-fp32-exportLayerInfo-detailed.json'),
    ]);
    expect(layersOnly.code).toBe(2);
    expect(layersOnly.stderr).toContain('--layers adds layer types');
  });
});
