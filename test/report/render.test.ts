import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  getRenderer,
  MARKDOWN_LIMIT,
  renderReport,
  reportPointer,
  truncateMarkdown,
} from '../../src/report/render.js';
import {
  EVIL_NAME,
  gate,
  makeComparison,
  makeEntry,
  makeResults,
  metric,
  mixedResults,
  passingAccuracy,
} from './helpers.js';

/** Markdown outside fenced code blocks (where GitHub renders nothing as markup). */
function outsideFences(md: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of md.split('\n')) {
    const m = /^(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (m && m[1]![0] === fence[0] && m[1]!.length >= fence.length && line.trim() === m[1]) fence = null;
      continue;
    }
    if (m) {
      fence = m[1]!;
      continue;
    }
    out.push(line);
  }
  expect(fence, 'unclosed code fence').toBeNull();
  return out.join('\n');
}

/** Every table: the `|` count of each row equals the header's. Returns the number of tables. */
function expectWellFormedTables(md: string): number {
  const lines = md.split('\n');
  let tables = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|')) continue;
    const header = lines[i]!.split('|').length;
    expect(lines[i + 1], 'delimiter row').toMatch(/^\|(:?-+:?\|)+$/);
    tables++;
    while (i < lines.length && lines[i]!.startsWith('|')) {
      expect(lines[i]!.split('|').length, lines[i]).toBe(header);
      i++;
    }
  }
  return tables;
}

function expectInert(md: string): void {
  const text = outsideFences(md);
  expect(text).not.toMatch(/@octocat/);
  expect(text).not.toMatch(/<img|<script/i);
  expect(text).not.toContain('](http://e');
  expect(text).not.toMatch(/http:\/\/e/);
  expect(text).not.toContain('**b**');
}

describe('markdown reports', () => {
  it('keeps a hostile model name from breaking the PR comment', () => {
    const md = renderReport('md', mixedResults({ model: EVIL_NAME }));
    expect(expectWellFormedTables(md)).toBeGreaterThanOrEqual(2);
    expectInert(md);
    expect(md).toContain('### ❌ Regression gate failed');
    expect(md).toMatch(/<details>\n<summary>Incidents \(2\)<\/summary>/);
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
    // The log excerpt is fenced with more backticks than it contains.
    expect(md).toContain('````text\n[E] [TRT]');
  });

  it('puts the regression first in each device table', () => {
    const md = renderReport('md', mixedResults());
    const rows = md.split('\n').filter((l) => l.startsWith('| resnet50'));
    expect(rows[0]).toContain('❌ regressed');
    expect(rows[0]).toContain('| +7.9 % [+5.1, +10.8] |');
    expect(rows.at(-1)).toContain('✅ unchanged');
  });

  it('writes a fuller job summary with incidents and next steps', () => {
    const md = renderReport('summary', mixedResults({ model: EVIL_NAME }));
    expectWellFormedTables(md);
    expectInert(md);
    expect(md).toContain('#### 🎯 Accuracy degradation');
    expect(md).toMatch(/1\. Re-calibrate INT8/);
    expect(md).toContain('### Layer attribution');
  });

  it('renders a results file without comparisons', () => {
    const results = makeResults({ entries: [makeEntry({ accuracy: passingAccuracy() })] });
    const md = renderReport('md', results);
    expect(md).toContain('📊 Benchmark results: 1 entry, no baseline comparison');
    expectWellFormedTables(md);
    const row = md.split('\n').find((l) => l.startsWith('| resnet50'))!;
    expect(row.trimEnd().endsWith('| — |')).toBe(true);
    expect(renderReport('summary', results)).not.toContain('Regression gate');
    expect(renderReport('html', results)).toContain('<svg class="chart distribution"');
    expect(JSON.parse(renderReport('json', results))).toMatchObject({ gate: null, comparisons: [] });
  });

  it('renders several devices as one report', () => {
    const gpu = mixedResults({ device: 'NVIDIA H100 80GB HBM3', runId: 'gpu' });
    const cpu = mixedResults({ runId: 'cpu' });
    const md = renderReport('md', [gpu, cpu]);
    expect(md).toContain('#### NVIDIA H100 80GB HBM3 · onnxruntime 1.30.0');
    expect(md).toContain('#### Test CPU · onnxruntime 1.30.0');
    expect(expectWellFormedTables(md)).toBeGreaterThanOrEqual(3);
  });
});

describe('HTML report', () => {
  it('escapes everything and has a latency chart per entry with samples', () => {
    const results = mixedResults({ model: EVIL_NAME });
    const html = renderReport('html', results);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    const withSamples = results.entries.filter((e) =>
      e.latency?.trials.some((t) => t.samples.length > 0),
    ).length;
    expect(withSamples).toBe(4);
    expect(html.match(/<svg class="chart distribution"/g)?.length).toBe(withSamples);
    expect(html.match(/<rect class="bar"/g)?.length).toBeGreaterThanOrEqual(withSamples);
    expect(html).toContain('<svg class="chart delta-chart"');
    expect(html.match(/<rect class="delta-bar /g)?.length).toBe(4);
    // Baseline markers where the comparison has a baseline p50.
    expect(html).toContain('class="median-base"');
  });

  it('is standalone: no scripts, no external resources, a restrictive CSP', () => {
    const html = renderReport('html', mixedResults());
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
    expect(html).not.toMatch(/<(script|link|iframe|object)\b/i);
    expect(html).toContain("default-src 'none'");
  });
});

describe('JSON report', () => {
  it('is stable JSON of the comparisons and the gate', () => {
    const results = mixedResults();
    const json = renderReport('json', results);
    expect(json).toBe(renderReport('json', structuredClone(results)));
    const parsed = JSON.parse(json);
    expect(parsed.gate.conclusion).toBe('fail');
    expect(parsed.comparisons).toHaveLength(5);
    const ids = parsed.comparisons.map((c: { entryId: string }) => c.entryId);
    expect(ids).toEqual([...ids].sort());
    expect(Object.keys(parsed)).toEqual(['comparisons', 'gate', 'runs', 'schemaVersion']);
  });
});

describe('truncateMarkdown', () => {
  const pointer = '> ✂️ cut: see the full report';

  it('returns text within the limit unchanged', () => {
    expect(truncateMarkdown('short', 100, pointer)).toBe('short');
  });

  it('cuts at a line boundary, closes <details> and the code fence, and ends with the pointer', () => {
    const body = Array.from({ length: 400 }, (_, i) => `log line ${i}`).join('\n');
    const text = `# Title\n\n<details>\n<summary>Logs</summary>\n\n\`\`\`\`text\n${body}\n\`\`\`\`\n\n</details>\n`;
    const out = truncateMarkdown(text, 2000, pointer);
    expect(out.length).toBeLessThanOrEqual(2000);
    expect(out.endsWith(`\n\n${pointer}`)).toBe(true);
    expect(out).toMatch(/log line \d+\n````\n\n<\/details>\n\n> ✂️/);
    expect(out.match(/<details>/g)?.length).toBe(out.match(/<\/details>/g)?.length);
    outsideFences(out);
  });

  it('keeps a large PR comment under GitHub’s limit', () => {
    const entries = Array.from({ length: 900 }, (_, i) =>
      makeEntry({ model: `model-${i}`, trials: [[1, 2, 3]] }),
    );
    const comparisons = entries.map((e) =>
      makeComparison(e, {
        verdict: 'regressed',
        reason: `p50 regressed ${'because '.repeat(20)}`,
        metrics: [
          metric('latency.p50', { baseline: 1, deltaPct: 9, interval: [5, 12], verdict: 'regressed' }),
        ],
        layers: [
          { name: 'conv', matchedBy: 'name', baselineMs: 1, candidateMs: 2, deltaMs: 1, deltaPct: 100 },
        ],
      }),
    );
    const results = makeResults({ entries, comparisons, gate: gate('fail', comparisons) });
    const url = 'https://github.com/o/r/actions/runs/1';
    const md = renderReport('md', results, { fullReportUrl: url });
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(MARKDOWN_LIMIT).toBeLessThan(65_536); // GitHub rejects longer comments
    expect(md.endsWith(`[see the full report](${url}).`)).toBe(true);
    expect(md.match(/<details>/g)?.length ?? 0).toBe(md.match(/<\/details>/g)?.length ?? 0);
    expectWellFormedTables(md);
  });

  it('links only http(s) URLs in the pointer', () => {
    expect(reportPointer('https://e.example/a (b)')).toContain('(https://e.example/a%20%28b%29)');
    expect(reportPointer('javascript:alert(1)')).not.toContain('javascript');
    expect(reportPointer('not a url')).not.toContain('](');
  });
});

describe('format registry', () => {
  it('rejects unknown formats', () => {
    expect(() => getRenderer('pdf')).toThrow(UsageError);
    expect(typeof getRenderer('summary')).toBe('function');
  });
});

describe('incidents in the Markdown reports', () => {
  it('are grouped once per kind, listing every affected entry, with the next steps once', () => {
    const noisy = (runId: string) =>
      makeResults({
        runId,
        entries: ['fp32', 'fp16', 'int8'].map((precision) =>
          makeEntry({ precision: precision as 'fp32', unreliable: 'trial medians differ by 31 %' }),
        ),
      });
    const md = renderReport('summary', [noisy('a'), noisy('b')]);
    expect(md.match(/#### .*Unreliable measurement/g)?.length).toBe(1);
    expect(md).toMatch(/#### .*Unreliable measurement \(6\)/);
    expect(md.match(/^- \*\*resnet50 · /gm)?.length).toBe(6);
    expect(md.match(/rerun it on an idle, dedicated runner/g)?.length).toBe(1);
    const comment = renderReport('md', [noisy('a'), noisy('b')]);
    expect(comment.match(/\*\*.*Unreliable measurement\*\* \(6\)/g)?.length).toBe(1);
  });
});

describe('a matrix with the same key in two files', () => {
  it('tells the rows apart and says which one is failing', () => {
    const a = mixedResults({ runId: 'shard-a' });
    const b = mixedResults({ runId: 'shard-b' });
    const md = renderReport('md', [a, b]);
    expect(md).toMatch(/\| resnet50 \(run shard-a\) \| fp16 \| 8 \|/);
    expect(md).toMatch(/\| resnet50 \(run shard-b\) \| fp16 \| 8 \|/);
    const failing = md.split('\n').find((l) => l.startsWith('**Failing:**'))!;
    expect(failing).toContain('resnet50 · fp16 · b8 · run shard-a');
    expect(failing).toContain('resnet50 · fp16 · b8 · run shard-b');
    // One file: no run suffix.
    expect(renderReport('md', a)).not.toContain('(run shard-a)');
  });
});
