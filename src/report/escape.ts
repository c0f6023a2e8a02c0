import Handlebars from 'handlebars';
import { MARKUP_UNSAFE } from '../util/untrusted.js';

/**
 * Escaping for untrusted text (model names, branch names, tool logs) rendered into GitHub-flavoured
 * Markdown or HTML. Markdown escaping uses character references rather than backslashes: they work
 * the same in paragraphs, table cells and inside HTML blocks such as `<details>`, where backslash
 * escapes would show literally. GitHub's mention and issue-reference filters run on the rendered
 * HTML's text (after references are decoded), so `@user` and `#123` are broken with a zero-width
 * joiner instead.
 */

const ZWJ = '\u200D';

/** C0 controls (but tab and line breaks), DEL, C1 and bidi controls: one list, src/util/untrusted.ts. */
const CONTROL = MARKUP_UNSAFE;

/**
 * Characters escaped wherever they occur: each can open inline markup on its own (emphasis, code,
 * strikethrough, math, HTML, entities, table cells, backslash escapes). `[`, `]`, `(`, `)`, `!`,
 * `+`, `#` and `=` are left readable and only escaped where they would form markup (below): a
 * delta such as `+7.9 % [+5.1, +10.8]` stays as it is in the raw Markdown.
 */
const MD_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '|': '&#124;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '\\': '&#92;',
  $: '&#36;',
};
const MD_SPECIAL = /[&<>|`*_~\\$]/g;

export interface MarkdownEscapeOptions {
  /** How line breaks are rendered: a space (default; safe anywhere) or `<br>` (table cells, lists). */
  newline?: 'space' | 'br';
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : String(value);
}

/**
 * Escape untrusted text for GitHub-flavoured Markdown, inline or inside a table cell. The result
 * renders as the literal text: no emphasis, links, images, HTML, lists, headings, code, math,
 * mentions, issue references or autolinks, and it never contains `|` or a line break.
 */
export function escapeMarkdown(value: unknown, options: MarkdownEscapeOptions = {}): string {
  const br = options.newline === 'br' ? '<br>' : ' ';
  const text = toText(value)
    .replace(CONTROL, '')
    .replace(/\t/g, ' ')
    .replace(/^[\r\n]+|[\r\n]+$/g, '');
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => escapeMarkdownLine(line))
    .join(br);
}

const ref = (c: string) => `&#${c.charCodeAt(0)};`;

function escapeMarkdownLine(raw: string): string {
  // Leading spaces would make an indented code block when the value starts a line.
  let s = raw.replace(/^ +/, '').replace(MD_SPECIAL, (c) => MD_ENTITIES[c] ?? c);
  // Links and images need `](`, `][` or a line-start `[…]:` definition; footnotes `[^`.
  s = s
    .replace(/\](?=[([:])/g, '&#93;')
    .replace(/\[(?=\^)/g, '&#91;')
    .replace(/^\[/, '&#91;');
  // Line starts that open a block: list items, headings, thematic breaks, setext underlines, ordered lists.
  s = s.replace(/^[-+](?=\s|$)/, ref).replace(/^#/, ref);
  s = s.replace(/^([-=])(?=[-=\s]*$)/, (c) => ref(c));
  s = s.replace(/^(\d{1,9})([.)])(?=\s|$)/, (_m, digits: string, mark: string) => `${digits}${ref(mark)}`);
  // Mentions and e-mail autolinks: `@` directly followed by a name character.
  s = s.replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWJ}`);
  // Issue and pull-request references: `#123`, `GH-123`, `owner/repo#123`.
  s = s
    .replace(/(?<!&)#(?=\d)/g, `#${ZWJ}`)
    .replace(/&#35;(?=\d)/g, `&#35;${ZWJ}`)
    .replace(/\b(GH-)(?=\d)/gi, `$1${ZWJ}`);
  // URL autolinks: `scheme://…` and `www.…`.
  s = s.replace(/:\/\//g, `:${ZWJ}//`).replace(/\b(www)\./gi, `$1${ZWJ}.`);
  return s;
}

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return toText(value)
    .replace(CONTROL, '')
    .replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Longest excerpt a code block keeps by default; tool logs can be megabytes. */
export const CODE_BLOCK_MAX_CHARS = 4000;

export interface CodeBlockOptions {
  /** Info string after the opening fence (letters, digits, `-`, `+`, `.` only). */
  lang?: string;
  /** Characters kept; the end of a log is usually the informative part, so the head is dropped. */
  maxChars?: number;
}

/** Keep the last `maxChars` characters of a log, starting at a line boundary, with a note of what was cut. */
export function tailExcerpt(text: string, maxChars = CODE_BLOCK_MAX_CHARS): string {
  if (text.length <= maxChars) return text;
  let tail = text.slice(text.length - maxChars);
  const nl = tail.indexOf('\n');
  if (nl >= 0 && nl < tail.length - 1) tail = tail.slice(nl + 1);
  return `… (${text.length - tail.length} earlier characters omitted)\n${tail}`;
}

function normaliseBlock(value: unknown, maxChars: number): string {
  const text = toText(value)
    .replace(/\r\n|\r/g, '\n')
    .replace(CONTROL, '')
    .replace(/\n+$/, '');
  return tailExcerpt(text, maxChars);
}

/**
 * A fenced Markdown code block holding `text` literally. The fence is longer than any run of
 * backticks in the text, so nothing inside can close it; the text is capped at `maxChars`.
 */
export function codeBlock(value: unknown, options: CodeBlockOptions = {}): string {
  const body = normaliseBlock(value, options.maxChars ?? CODE_BLOCK_MAX_CHARS);
  let longest = 0;
  for (const run of body.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const lang = /^[A-Za-z0-9+.-]{1,20}$/.test(options.lang ?? '') ? options.lang : '';
  return `${fence}${lang}\n${body}\n${fence}`;
}

/** The HTML counterpart of {@link codeBlock}: a `<pre><code>` block with the text escaped and capped. */
export function htmlCodeBlock(value: unknown, options: CodeBlockOptions = {}): string {
  const body = normaliseBlock(value, options.maxChars ?? CODE_BLOCK_MAX_CHARS);
  return `<pre><code>${escapeHtml(body)}</code></pre>`;
}

/** Shorten text to at most `max` characters (with an ellipsis); applied before escaping. */
export function truncateText(value: unknown, max: number): string {
  const text = toText(value);
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

export type HandlebarsEnv = typeof Handlebars;

/** The name of the helper an instance's compiled `{{x}}` expressions call. */
const ESCAPE_HELPER = '__trtGateEscape';

interface JsCompiler {
  appendEscaped(): void;
  pushSource(source: unknown): void;
  appendToBuffer(source: unknown[]): unknown;
  aliasable(name: string): unknown;
  popStack(): unknown;
}
type JsCompilerClass = new () => JsCompiler;

function hashOption(options: unknown, name: string): unknown {
  const hash = (options as { hash?: Record<string, unknown> } | undefined)?.hash;
  return hash?.[name];
}

/** Helpers shared by both instances; the format-specific ones are registered by the factories. */
function registerCommonHelpers(hb: HandlebarsEnv): void {
  hb.registerHelper('truncate', (value: unknown, max: unknown) =>
    truncateText(value, typeof max === 'number' ? max : 200),
  );
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper(
    'gt',
    (a: unknown, b: unknown) => typeof a === 'number' && typeof b === 'number' && a > b,
  );
  hb.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hb.registerHelper('add', (a: unknown, b: unknown) => Number(a) + Number(b));
  hb.registerHelper('sub', (a: unknown, b: unknown) => Number(a) - Number(b));
  hb.registerHelper('take', (list: unknown, count: unknown) =>
    Array.isArray(list) ? list.slice(0, typeof count === 'number' ? count : list.length) : [],
  );
  hb.registerHelper('join', (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.map(toText).join(typeof sep === 'string' ? sep : ', ') : '',
  );
}

/**
 * Routes this instance's `{{x}}` output through `escapeValue` (a helper of its own). Handlebars reads its
 * escape function from a module shared by every instance, so rather than patch it, the instance's
 * compiler calls the helper; `SafeString`s (trusted markup built by helpers) pass unchanged.
 */
function routeEscapes(hb: HandlebarsEnv, escapeValue: (value: unknown) => string): void {
  const env = hb as unknown as { JavaScriptCompiler: JsCompilerClass };
  const Base = env.JavaScriptCompiler;
  class EscapingCompiler extends Base {
    override appendEscaped(): void {
      this.pushSource(
        // Helpers are wrapped to decorate their last argument (the options hash): pass one.
        this.appendToBuffer([
          this.aliasable(`container.helpers.${ESCAPE_HELPER}`),
          '(',
          this.popStack(),
          ', {})',
        ]),
      );
    }
  }
  // Nested programs ({{#each}} bodies) are compiled by `new this.compiler()`.
  (EscapingCompiler.prototype as unknown as { compiler: JsCompilerClass }).compiler = EscapingCompiler;
  env.JavaScriptCompiler = EscapingCompiler;
  hb.registerHelper(ESCAPE_HELPER, (value: unknown) =>
    value instanceof hb.SafeString ? value.toHTML() : escapeValue(value),
  );
}

/**
 * A Handlebars instance for Markdown templates: every `{{x}}` is passed through
 * {@link escapeMarkdown} (HTML escaping does not protect Markdown), while helpers that build
 * trusted markup return `SafeString`s, which pass unchanged. Templates must not use `{{{x}}}`.
 */
export function createMarkdownHandlebars(): HandlebarsEnv {
  const hb = Handlebars.create();
  routeEscapes(hb, (value) => escapeMarkdown(value));
  registerCommonHelpers(hb);
  /** `{{mdBr x}}`: escaped, with line breaks kept as `<br>` (for table cells and list items). */
  hb.registerHelper('mdBr', (value: unknown) => new hb.SafeString(escapeMarkdown(value, { newline: 'br' })));
  /** `{{codeBlock text lang="text" max=4000}}`: a fenced block that the text cannot break out of. */
  hb.registerHelper('codeBlock', (value: unknown, options: unknown) => {
    const lang = hashOption(options, 'lang');
    const max = hashOption(options, 'max');
    return new hb.SafeString(
      codeBlock(value, {
        lang: typeof lang === 'string' ? lang : undefined,
        maxChars: typeof max === 'number' ? max : undefined,
      }),
    );
  });
  return hb;
}

/**
 * A Handlebars instance for HTML templates: `{{x}}` is HTML-escaped, and control and bidi characters
 * are dropped (Handlebars' own escaping keeps them).
 */
export function createHtmlHandlebars(): HandlebarsEnv {
  const hb = Handlebars.create();
  // Handlebars' own entity escaping, after dropping the characters it would keep.
  routeEscapes(hb, (value) =>
    hb.Utils.escapeExpression(typeof value === 'string' ? value.replace(CONTROL, '') : (value as string)),
  );
  registerCommonHelpers(hb);
  hb.registerHelper('codeBlock', (value: unknown, options: unknown) => {
    const max = hashOption(options, 'max');
    return new hb.SafeString(htmlCodeBlock(value, { maxChars: typeof max === 'number' ? max : undefined }));
  });
  return hb;
}
