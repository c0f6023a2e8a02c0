import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import Handlebars from 'handlebars';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import {
  codeBlock,
  createHtmlHandlebars,
  createMarkdownHandlebars,
  escapeHtml,
  escapeMarkdown,
  htmlCodeBlock,
} from '../../src/report/escape.js';
import { TEMPLATES_DIR } from '../../src/report/render.js';
import { EVIL_NAME } from './helpers.js';

const ZWJ = '\u200D';

/** The text a browser shows for parsed inline HTML: entities decoded, zero-width joiners dropped. */
function textOf(html: string): string {
  return html
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCharCode(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replaceAll(ZWJ, '');
}

describe('escapeMarkdown', () => {
  it('neutralises table pipes, mentions, HTML, links and emphasis', () => {
    const out = escapeMarkdown(EVIL_NAME);
    expect(out).not.toContain('|');
    expect(out).not.toMatch(/@octocat/);
    expect(out).toContain(`@${ZWJ}octocat`);
    expect(out).not.toMatch(/<img/i);
    expect(out).not.toContain('<');
    expect(out).not.toContain('](');
    expect(out).not.toContain('**');
    expect(marked.parseInline(out) as string).not.toMatch(/<(a|img|strong|em|code|del)\b/);
    expect(out).not.toMatch(/https?:\/\//);
    expect(out).not.toMatch(/\r|\n/);
  });

  it('renders markup as the literal text in a Markdown parser (GFM), inline and at a line start', () => {
    const hostile =
      '`a` *b* _c_ ~~d~~ [e](f) ![g](h) [i][j] [^k] <l> #m !n \\o $p$ &q; www.r.example https://s.example';
    const out = escapeMarkdown(hostile);
    expect(textOf(marked.parseInline(out) as string)).toBe(hostile);
    expect(marked.parse(out)).toMatch(/^<p>[^<]*<\/p>\n$/);
  });

  it('keeps numbers and intervals readable in the raw Markdown', () => {
    for (const text of [
      '+7.9 % [+5.1, +10.8]',
      '-16.7 % (99% CI)',
      'cos 0.9998 · top-1 99.2 %',
      'p50 (ms)',
    ]) {
      expect(escapeMarkdown(text)).toBe(text);
    }
  });

  it('holds for any text: no tag, link or block comes out, and the text reads as it went in', () => {
    const alphabet = fc.constantFrom(
      ...'abc 019.-+=#!*_~`[]()<>|\\$&:/@^'.split(''),
      'www.',
      'http://',
      '\n',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')),
        (input) => {
          const out = escapeMarkdown(input);
          const html = marked.parse(out) as string;
          expect(html.replace(/<\/?p>|\n/g, '')).not.toMatch(/<[a-z]/);
          const expected = input
            .replace(/\t/g, ' ')
            .replace(/^[\r\n]+|[\r\n]+$/g, '')
            .split(/\r\n|\r|\n/)
            .map((l) => l.replace(/^ +/, ''))
            .join(' ');
          expect(textOf(html.replace(/<\/?p>\n?/g, '')).trim()).toBe(expected.trim());
        },
      ),
      { numRuns: 300, seed: 12 },
    );
  });

  it('does not let a value open a block when it starts a line', () => {
    expect(escapeMarkdown('- item')).toBe('&#45; item');
    expect(escapeMarkdown('+ item')).toBe('&#43; item');
    expect(escapeMarkdown('===')).toMatch(/^&#61;/);
    expect(escapeMarkdown('1. first')).toBe('1&#46; first');
    expect(escapeMarkdown('1.5 ms')).toBe('1.5 ms');
    expect(escapeMarkdown('# title')).toBe('&#35; title');
    expect(escapeMarkdown('> quote')).toBe('&gt; quote');
    expect(escapeMarkdown('    indented code')).toBe('indented code');
  });

  it('breaks issue references and URL autolinks', () => {
    expect(escapeMarkdown('fixes #123')).toBe(`fixes #${ZWJ}123`);
    expect(escapeMarkdown('see GH-42')).toBe(`see GH-${ZWJ}42`);
    expect(escapeMarkdown('https://evil.example/x')).not.toContain('://');
    expect(escapeMarkdown('www.evil.example')).not.toContain('www.');
    expect(escapeMarkdown('mail a@b.example')).toContain(`@${ZWJ}b`);
  });

  it('turns line breaks into spaces, or <br> on request', () => {
    expect(escapeMarkdown('a\nb\r\nc')).toBe('a b c');
    expect(escapeMarkdown('a\n- b', { newline: 'br' })).toBe('a<br>&#45; b');
    expect(escapeMarkdown('\n\na\n')).toBe('a');
  });

  it('drops control characters and bidi overrides', () => {
    expect(escapeMarkdown('a\u0000b\u202Ec\u2066d')).toBe('abcd');
  });

  it('renders null and numbers', () => {
    expect(escapeMarkdown(null)).toBe('');
    expect(escapeMarkdown(undefined)).toBe('');
    expect(escapeMarkdown(12.5)).toBe('12.5');
  });
});

describe('escapeHtml', () => {
  it('escapes markup and attribute delimiters', () => {
    const out = escapeHtml(`<img src=x onerror="alert('1')">&`);
    expect(out).not.toMatch(/[<>"']/);
    expect(out).toBe('&#60;img src&#61;x onerror&#61;&#34;alert(&#39;1&#39;)&#34;&#62;&#38;');
  });
});

describe('codeBlock', () => {
  it('uses a fence longer than any backtick run inside', () => {
    const log = 'error: ``` inside\nand ```` four\n```';
    const block = codeBlock(log, { lang: 'text' });
    const lines = block.split('\n');
    expect(lines[0]).toBe('`````text');
    expect(lines.at(-1)).toBe('`````');
    expect(lines.slice(1, -1).join('\n')).toBe(log);
  });

  it('uses three backticks when the text has none, and drops unsafe info strings', () => {
    expect(codeBlock('x', { lang: 'js\n# x' })).toBe('```\nx\n```');
  });

  it('caps long logs, keeping the end', () => {
    const log = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const block = codeBlock(log, { maxChars: 500 });
    expect(block.length).toBeLessThan(600);
    expect(block).toContain('line 1999');
    expect(block).not.toContain('line 0\n');
    expect(block).toMatch(/earlier characters omitted/);
  });

  it('has an HTML counterpart that escapes', () => {
    expect(htmlCodeBlock('<script>x</script>')).toBe(
      '<pre><code>&#60;script&#62;x&#60;/script&#62;</code></pre>',
    );
  });
});

describe('Handlebars instances', () => {
  it('escapes every {{x}} of a Markdown template, in blocks and partials too', () => {
    const hb = createMarkdownHandlebars();
    hb.registerPartial('cell', '{{name}}');
    const template = hb.compile('| {{name}} |\n{{#each rows}}| {{this}} | {{> cell name=this}} |\n{{/each}}');
    const out = template({ name: 'a|b', rows: ['@octocat', '<b>x</b>'] });
    expect(out).toBe(
      `| a&#124;b |\n| @${ZWJ}octocat | @${ZWJ}octocat |\n| &lt;b&gt;x&lt;/b&gt; | &lt;b&gt;x&lt;/b&gt; |\n`,
    );
  });

  it('escapes helper results, but lets the codeBlock helper emit its fence', () => {
    const hb = createMarkdownHandlebars();
    const out = hb.compile('{{truncate name 100}}\n{{codeBlock log}}')({ name: '**x**', log: '<b>``</b>' });
    expect(out).toBe('&#42;&#42;x&#42;&#42;\n```\n<b>``</b>\n```');
  });

  it('HTML-escapes in the HTML instance and leaves the global Handlebars alone', () => {
    createMarkdownHandlebars();
    const html = createHtmlHandlebars();
    expect(html.compile('{{x}}')({ x: '<img src=x>|' })).toBe('&lt;img src&#x3D;x&gt;|');
    expect(Handlebars.compile('{{x}}')({ x: '|<' })).toBe('|&lt;');
  });

  it('Markdown templates never use triple braces or {{& }}, which would skip escaping', () => {
    const dir = TEMPLATES_DIR;
    const files = readdirSync(dir).filter((f) => f.endsWith('.md.hbs'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      expect(source, file).not.toMatch(/\{\{\{|\{\{~?\s*&/);
    }
  });
});
