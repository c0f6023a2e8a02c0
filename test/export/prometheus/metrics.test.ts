import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_SECONDS, prometheusText } from '../../../src/export/prometheus/metrics.js';
import { makeEntry, makeResults, mixedResults, passingAccuracy, samples } from '../../report/helpers.js';
import { histograms, parseExposition, series } from './parse.js';

describe('Prometheus metrics of a run', () => {
  it('builds the latency histogram with the 1 ms … 1 s buckets from every measured sample', async () => {
    const trials = [
      samples({ median: 3, jitter: 0.9, seed: 1 }),
      samples({ median: 40, jitter: 0.9, seed: 2 }),
    ];
    const entry = makeEntry({ model: 'resnet50', precision: 'int8', batchSize: 8, trials });
    const other = makeEntry({ model: 'resnet50', precision: 'fp16', batchSize: 8 });
    const text = await prometheusText([
      makeResults({ entries: [entry, other], device: 'NVIDIA H100 (sm 9.0)' }),
    ]);
    const all = histograms(await parseExposition(text), 'trt_inference_latency_seconds');
    expect(all).toHaveLength(2);
    const h = all.find((s) => s.labels.precision === 'int8')!;
    expect(h.labels).toEqual({
      model: 'resnet50',
      precision: 'int8',
      batch: '8',
      gpu: 'NVIDIA H100 (sm 9.0)',
      trt_version: 'none',
      runner: 'onnxruntime',
    });
    const seconds = trials.flat().map((ms) => ms / 1000);
    expect(h.count).toBe(seconds.length);
    expect(h.sum).toBeCloseTo(
      seconds.reduce((a, b) => a + b, 0),
      6,
    );
    for (const le of LATENCY_BUCKETS_SECONDS) {
      expect(h.buckets[String(le)], `le=${le}`).toBe(seconds.filter((s) => s <= le).length);
    }
    expect(h.buckets['+Inf']).toBe(seconds.length);
    // The samples straddle several buckets, so the loop above is not trivially all-or-nothing.
    const cumulative = new Set(LATENCY_BUCKETS_SECONDS.map((le) => seconds.filter((s) => s <= le).length));
    expect(cumulative.size).toBeGreaterThan(3);
  });

  it('counts failures and incidents by kind, and exports accuracy per metric', async () => {
    const metrics = await parseExposition(await prometheusText([mixedResults()]));
    expect(metrics.trt_inference_errors_total?.type).toBe('counter');
    const errors = series(metrics, 'trt_inference_errors_total');
    expect(errors.filter((m) => m.value === 1).map((m) => [m.labels.precision, m.labels.stage])).toEqual([
      ['bf16', 'build'],
    ]);
    expect(errors.filter((m) => m.value === 0).length).toBeGreaterThan(0);
    const incidents = series(metrics, 'trt_gate_incidents_total');
    expect(incidents.map((m) => [m.labels.kind, m.value])).toContainEqual(['engine-build-failure', 1]);
    const cosine = series(metrics, 'trt_model_accuracy').find(
      (m) => m.labels.metric === 'cosine' && m.labels.precision === 'fp32',
    );
    expect(cosine?.value).toBe(passingAccuracy().worst!.cosine);
    // A failed build measured nothing: no latency series for it.
    const latency = histograms(metrics, 'trt_inference_latency_seconds');
    expect(latency.some((m) => m.labels.precision === 'bf16')).toBe(false);
  });

  it('exports GPU temperature and memory when the runner recorded them, and only then', async () => {
    const hot = makeEntry({ precision: 'fp16' });
    hot.health = {
      source: 'nvidia-smi',
      temperatureC: { min: 61, max: 78 },
      memoryUsedMiB: { min: 900, max: 1024 },
    };
    const cpu = makeEntry({ precision: 'fp32' });
    const metrics = await parseExposition(await prometheusText([makeResults({ entries: [hot, cpu] })]));
    const temperature = series(metrics, 'trt_gpu_temperature_celsius');
    expect(temperature.map((m) => [m.labels.precision, m.value])).toEqual([['fp16', 78]]);
    expect(series(metrics, 'trt_gpu_memory_used_bytes').map((m) => m.value)).toEqual([1024 * 1024 * 1024]);
    // Utilization was not sampled: no series.
    expect(series(metrics, 'trt_gpu_utilization_percent')).toHaveLength(0);
  });

  it('escapes label values from configs and logs', async () => {
    const entry = makeEntry({ model: 'bad"name\\x\ny' });
    const metrics = await parseExposition(await prometheusText([makeResults({ entries: [entry] })]));
    expect(histograms(metrics, 'trt_inference_latency_seconds')[0]!.labels.model).toBe('bad"name\\x\ny');
  });

  it('labels the TensorRT version when the runtime is TensorRT', async () => {
    const results = makeResults({ entries: [makeEntry()] });
    results.environment.runtime = { name: 'tensorrt', version: '10.3.0' };
    const metrics = await parseExposition(await prometheusText([results]));
    expect(histograms(metrics, 'trt_inference_latency_seconds')[0]!.labels.trt_version).toBe('10.3.0');
  });
});
