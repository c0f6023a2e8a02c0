import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { diffEngines } from '../../src/engine-diff/diff.js';
import { loadSide } from '../../src/engine-diff/load.js';
import { engineDiffMarkdown, engineDiffText } from '../../src/engine-diff/render.js';
import { file, type LayerInfoJson, RTX3090_FP32_LAYERS, readJson, realFile } from './exports.js';

/** A candidate whose first layer name (untrusted, from the export) tries Markdown, HTML, a mention and a terminal escape. */
function hostile(): LayerInfoJson {
  const cand = readJson<LayerInfoJson>(RTX3090_FP32_LAYERS);
  cand.Layers[0]!.Name = '<img src=x onerror=alert(1)> | @octocat **bold** \u001b]0;pwned\u0007';
  return cand;
}

describe('engine diff rendering', () => {
  const diff = diffEngines(loadSide([realFile(RTX3090_FP32_LAYERS)]), loadSide([file('c.json', hostile())]));

  it('Markdown: layer names render as text (no HTML, no extra table cell, no mention)', () => {
    expect(diff.cause).toBe('graph-change');
    const md = engineDiffMarkdown(diff);
    const html = marked.parse(md) as string;
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<strong>bold</strong>');
    expect(html).toContain('**bold**');
    expect(md).not.toContain('@octocat');
    expect(md).not.toContain('\u001b');
    const row = md.split('\n').find((l) => l.startsWith('| added'))!;
    expect(row.split(' | ')).toHaveLength(7);
  });

  it('terminal text: control characters shown as visible escapes', () => {
    const text = engineDiffText(diff);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\\u001b]0;pwned\\u0007');
    expect(text).toMatch(/^cause: graph-change: /);
  });
});
