import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { deviceKey } from '../../pipeline/entry.js';
import type { Entry, Environment, Results } from '../../results/schema.js';
import { neutralize } from '../../util/untrusted.js';

/**
 * The guide's latency buckets, 1 ms … 1 s, in seconds. Samples above the last land only in +Inf.
 * CPU quickstart models run well under 1 ms, so they all fall in the first bucket: that is what the
 * buckets say about them, and `_sum`/`_count` still carry the mean.
 */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** Labels every series carries; `batch` keeps sweep points apart. */
export const SERIES_LABELS = ['model', 'precision', 'batch', 'gpu', 'trt_version', 'runner'] as const;
type SeriesLabels = Record<(typeof SERIES_LABELS)[number], string>;

/**
 * `gpu` is the device the run measured (GPU name and compute capability; the CPU model for the
 * onnxruntime runner on the CPU). `trt_version` is `none` when the runtime is not TensorRT.
 */
export function seriesLabels(entry: Entry, environment: Environment): SeriesLabels {
  // Label values come from configs and logs: control and bidi characters shown as escapes.
  return {
    model: neutralize(entry.model),
    precision: entry.precision,
    batch: String(entry.batchSize),
    gpu: neutralize(deviceKey(environment)),
    trt_version: environment.runtime.name === 'tensorrt' ? neutralize(environment.runtime.version) : 'none',
    runner: neutralize(entry.key.runner),
  };
}

/** Where in an entry's device health a value sits (the trtexec runner's nvidia-smi summary). */
function healthMax(entry: Entry, field: string): number | undefined {
  const value = entry.health?.[field];
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && typeof (value as { max?: unknown }).max === 'number') {
    return (value as { max: number }).max;
  }
  return undefined;
}

/**
 * A fresh registry (never prom-client's global one) holding the metrics of one or more runs. The
 * histogram observes every measured latency sample; prom-client renders the exposition text, so
 * names, label escaping and bucket order follow the format by construction.
 */
export function buildRegistry(runs: readonly Results[]): Registry {
  const registry = new Registry();
  const labelNames = [...SERIES_LABELS];
  const registers = [registry];
  const latency = new Histogram({
    name: 'trt_inference_latency_seconds',
    help: 'Latency of one inference (one batch), every measured sample, seconds',
    labelNames,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers,
  });
  const errors = new Counter({
    name: 'trt_inference_errors_total',
    help: 'Entries that failed to build or run',
    labelNames: [...labelNames, 'stage'],
    registers,
  });
  const gauge = (name: string, help: string, extra: string[] = []) =>
    new Gauge({ name, help, labelNames: [...labelNames, ...extra], registers });
  const throughput = gauge(
    'trt_inference_throughput_items_per_second',
    'Items (inferences x batch) per second over all trials',
  );
  const accuracy = gauge(
    'trt_model_accuracy',
    'Worst accuracy metric across outputs against the fp32 ONNX Runtime reference',
    ['metric'],
  );
  const memory = gauge(
    'trt_gpu_memory_used_bytes',
    'Highest GPU memory in use while benchmarking (nvidia-smi)',
  );
  const utilization = gauge(
    'trt_gpu_utilization_percent',
    'Highest GPU utilization while benchmarking (nvidia-smi)',
  );
  const temperature = gauge(
    'trt_gpu_temperature_celsius',
    'Highest GPU temperature while benchmarking (nvidia-smi)',
  );
  const incidents = new Counter({
    name: 'trt_gate_incidents_total',
    help: 'Incidents trt-gate classified, by kind',
    labelNames: [...labelNames, 'kind'],
    registers,
  });
  for (const run of runs) {
    for (const entry of run.entries) {
      const labels = seriesLabels(entry, run.environment);
      for (const trial of entry.latency?.trials ?? []) {
        for (const ms of trial.samples) latency.observe(labels, ms / 1000);
      }
      // Zero for an entry that ran: a counter that exists at 0 lets rate() and alerts see it.
      errors.inc({ ...labels, stage: entry.error?.stage ?? 'none' }, entry.status === 'failed' ? 1 : 0);
      if (entry.throughput) throughput.set(labels, entry.throughput.itemsPerSec);
      for (const [metric, value] of Object.entries(entry.accuracy?.worst ?? {})) {
        if (typeof value === 'number' && Number.isFinite(value)) accuracy.set({ ...labels, metric }, value);
      }
      const memoryMiB = healthMax(entry, 'memoryUsedMiB');
      if (memoryMiB !== undefined) memory.set(labels, memoryMiB * 1024 * 1024);
      const util = healthMax(entry, 'utilizationPct');
      if (util !== undefined) utilization.set(labels, util);
      const temp = healthMax(entry, 'temperatureC');
      if (temp !== undefined) temperature.set(labels, temp);
      for (const incident of entry.incidents) incidents.inc({ ...labels, kind: incident.kind });
    }
  }
  return registry;
}

/** The exposition text of one or more runs (a textfile-collector file, or `report --format prometheus`). */
export async function prometheusText(runs: readonly Results[]): Promise<string> {
  return buildRegistry(runs).metrics();
}
