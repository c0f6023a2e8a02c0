import { describe, expect, it } from 'vitest';
import { escapeLabel } from '../../src/report/prometheus.js';
import { renderReport } from '../../src/report/render.js';
import { makeEntry, makeResults, samples } from './helpers.js';

describe('prometheus report format', () => {
  it('writes one gauge family per measurement with escaped labels', () => {
    const entry = makeEntry({ model: 'bad"name\\x', trials: [samples({ median: 2, seed: 1 })] });
    const text = renderReport('prometheus', makeResults({ entries: [entry] }));
    const lines = text.trim().split('\n');
    expect(lines).toContain('# TYPE trt_gate_latency_p50_ms gauge');
    const p50 = lines.find((l) => l.startsWith('trt_gate_latency_p50_ms{'))!;
    expect(p50).toContain('model="bad\\"name\\\\x"');
    expect(Number(p50.split(' ').at(-1))).toBeCloseTo(entry.latency!.pooled.median, 10);
    // Every sample line is `name{labels} number`.
    for (const line of lines.filter((l) => !l.startsWith('#'))) {
      expect(line, line).toMatch(/^[a-z_0-9]+\{.*\} -?[0-9.e+-]+$/);
    }
    expect(lines.filter((l) => l.startsWith('# HELP trt_gate_latency_p50_ms'))).toHaveLength(1);
  });

  it('reports a failed entry as 1 and skips what it never measured', () => {
    const failed = makeEntry({ trials: null, status: 'failed', error: { stage: 'build', message: 'OOM' } });
    const text = renderReport('prometheus', makeResults({ entries: [failed] }));
    expect(text).toMatch(/trt_gate_entry_failed\{.*\} 1/);
    expect(text).not.toContain('trt_gate_latency_p50_ms{');
  });

  it('escapes newlines in label values', () => {
    expect(escapeLabel('a\nb')).toBe('a\\nb');
  });
});
