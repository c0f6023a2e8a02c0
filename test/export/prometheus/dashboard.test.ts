import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildRegistry } from '../../../src/export/prometheus/metrics.js';
import { mixedResults } from '../../report/helpers.js';

const DASHBOARD = new URL('../../../examples/grafana/trt-gate-dashboard.json', import.meta.url);

describe('the Grafana dashboard in examples/', () => {
  it('queries only series the exporter writes, with labels it sets', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8'));
    const registry = buildRegistry([mixedResults()]);
    const families = await registry.getMetricsAsJSON();
    const names = new Set<string>();
    const labels = new Set<string>(['le']);
    for (const f of families) {
      names.add(f.name);
      if (String(f.type) === 'histogram')
        for (const s of ['_bucket', '_sum', '_count']) names.add(f.name + s);
      for (const v of f.values) for (const l of Object.keys(v.labels)) labels.add(l);
    }
    const exprs: string[] = dashboard.panels.flatMap((p: { targets: Array<{ expr: string }> }) =>
      p.targets.map((t) => t.expr),
    );
    expect(exprs.length).toBeGreaterThan(5);
    for (const expr of exprs) {
      const used = expr.match(/\btrt_[a-z_]+/g) ?? [];
      expect(used.length, expr).toBeGreaterThan(0);
      for (const name of used) expect(names, `${name} in ${expr}`).toContain(name);
      for (const [, label] of expr.matchAll(/([a-z_]+)\s*=~?\s*"/g))
        expect(labels, `${label} in ${expr}`).toContain(label);
      for (const [, list] of expr.matchAll(/by \(([^)]*)\)/g)) {
        for (const label of list!.split(',').map((l) => l.trim()))
          expect(labels, `${label} in ${expr}`).toContain(label);
      }
    }
  });
});
