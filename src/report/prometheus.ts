import type { Results } from '../results/schema.js';

/**
 * Results in the Prometheus text exposition format (for a Pushgateway or a textfile collector):
 * one gauge family per measurement, labelled by model, precision, batch, device and runtime.
 * Label values come from configs and logs, so they are escaped as the format requires.
 */
export function renderPrometheus(input: Results | readonly Results[]): string {
  const list = Array.isArray(input) ? (input as readonly Results[]) : [input as Results];
  const families = new Map<string, { help: string; lines: string[] }>();
  const add = (name: string, help: string, labels: Record<string, string>, value: number | undefined) => {
    if (value === undefined || !Number.isFinite(value)) return;
    const family = families.get(name) ?? { help, lines: [] };
    families.set(name, family);
    const text = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
    family.lines.push(`${name}{${text}} ${value}`);
  };
  for (const results of list) {
    for (const entry of results.entries) {
      const labels = {
        model: entry.model,
        precision: entry.precision,
        batch: String(entry.batchSize),
        device: entry.key.device,
        runtime: entry.key.runtime,
        runner: entry.key.runner,
      };
      const latency = entry.latency?.pooled;
      add('trt_gate_latency_p50_ms', 'Median latency per inference, ms', labels, latency?.median);
      add('trt_gate_latency_p99_ms', '99th percentile latency per inference, ms', labels, latency?.p99);
      add('trt_gate_latency_mean_ms', 'Mean latency per inference, ms', labels, latency?.mean);
      add(
        'trt_gate_throughput_items_per_second',
        'Items (inferences x batch) per second',
        labels,
        entry.throughput?.itemsPerSec,
      );
      add(
        'trt_gate_engine_bytes',
        'Size of the built engine or optimised model',
        labels,
        entry.build?.artifactBytes,
      );
      add('trt_gate_build_ms', 'Engine build time, ms', labels, entry.build?.timeMs);
      add(
        'trt_gate_accuracy_cosine',
        'Worst cosine similarity to the fp32 reference',
        labels,
        entry.accuracy?.worst?.cosine,
      );
      add(
        'trt_gate_accuracy_max_abs_error',
        'Worst max abs error vs the fp32 reference',
        labels,
        entry.accuracy?.worst?.maxAbsError,
      );
      add(
        'trt_gate_entry_failed',
        '1 when the entry failed to build or run',
        labels,
        entry.status === 'failed' ? 1 : 0,
      );
    }
    for (const c of results.comparisons ?? []) {
      const entry = results.entries.find((e) => e.id === c.entryId);
      const labels = {
        model: c.model,
        precision: c.precision,
        batch: String(c.batchSize),
        device: c.device,
        runtime: entry?.key.runtime ?? '',
        runner: entry?.key.runner ?? '',
      };
      add(
        'trt_gate_regressed',
        '1 when the gate verdict is regressed',
        labels,
        c.verdict === 'regressed' ? 1 : 0,
      );
      const p50 = c.metrics.find((m) => m.metric === 'latency.p50');
      add(
        'trt_gate_latency_p50_delta_percent',
        'p50 change vs the baseline, percent',
        labels,
        p50?.deltaPct ?? undefined,
      );
    }
  }
  const out: string[] = [];
  for (const [name, family] of families) {
    out.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} gauge`, ...family.lines);
  }
  return `${out.join('\n')}\n`;
}

/** Label values escape backslash, double quote and newline (exposition format). */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
