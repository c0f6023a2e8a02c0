import { describe, expect, it } from 'vitest';
import { fitUtf8 } from '../../action/github/limits.js';
import { safeLink } from '../../action/report.js';
import { reportPointer } from '../../src/report/render.js';
import { markdownHref } from '../../src/util/untrusted.js';

describe('markdownHref: one rule for link destinations in every Markdown writer', () => {
  it('keeps http(s) and encodes what would end or break the link', () => {
    expect(markdownHref('https://example.com/run/(1) x')).toBe('https://example.com/run/%281%29%20x');
    expect(markdownHref('http://example.com/a')).toBe('http://example.com/a');
  });

  it('refuses other schemes and unparsable text', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'not a url', '', undefined]) {
      expect(markdownHref(bad)).toBeUndefined();
    }
  });

  it('the comment pointer, the run link and the check truncation note all apply it', () => {
    expect(reportPointer('javascript:alert(1)')).not.toContain('javascript');
    expect(safeLink('run', 'javascript:alert(1)')).toBe('');
    const cut = fitUtf8('x'.repeat(500), 300, 'javascript:alert(1)');
    expect(cut).not.toContain('javascript');
    expect(cut).toContain('job summary');
    expect(fitUtf8('x'.repeat(500), 300, 'https://h/(r)')).toContain('(https://h/%28r%29)');
  });
});
