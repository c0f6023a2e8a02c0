import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { mergeGateOutcomes } from '../gate/merge-outcomes.js';
import { RESULTS_SCHEMA_VERSION, type Results } from '../results/schema.js';
import { sweepChartSvg } from '../sweep/chart.js';
import type { SweepView } from '../sweep/view.js';
import { markdownHref } from '../util/untrusted.js';
import { accuracyChartSvg, deltaChartSvg, latencyChartSvg } from './charts.js';
import { createHtmlHandlebars, createMarkdownHandlebars, type HandlebarsEnv } from './escape.js';
import { buildViewModel, type ReportView, type RowView } from './view-model.js';

export const REPORT_FORMATS = ['md', 'summary', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * What the PR comment is cut to: below GitHub's limit (comments longer than 65,536 characters are
 * rejected), with room for a sticky-comment marker or edits.
 */
export const MARKDOWN_LIMIT = 65_000;
/**
 * Job summaries may be 1 MiB per step; this many UTF-16 units stays below it even if every
 * character took 4 bytes.
 */
export const SUMMARY_LIMIT = 250_000;

export interface RenderOptions {
  /** Where the full report lives (workflow run, artifact); linked when a Markdown report is truncated. */
  fullReportUrl?: string;
  /** Character limit of the Markdown formats (defaults: MARKDOWN_LIMIT, SUMMARY_LIMIT). */
  limit?: number;
  /** Layer deltas per entry (default 5). */
  layerLimit?: number;
}

export type ReportInput = Results | readonly Results[];
export type Renderer = (input: ReportInput, options?: RenderOptions) => string;

/** The template directory, `reports/` at the package root (the same from `src/` and a built `dist/`). */
export const TEMPLATES_DIR = new URL('../../reports/', import.meta.url);

const TEMPLATE_FILES = {
  md: 'pr-comment.md.hbs',
  summary: 'summary.md.hbs',
  html: 'report.html.hbs',
} as const;
type TemplateFormat = keyof typeof TEMPLATE_FILES;

let markdownEnv: HandlebarsEnv | undefined;
let htmlEnv: HandlebarsEnv | undefined;
const compiled = new Map<TemplateFormat, (view: ReportView) => string>();

function htmlHandlebars(): HandlebarsEnv {
  if (!htmlEnv) {
    const hb = createHtmlHandlebars();
    hb.registerHelper('latencyChart', (row: RowView) => new hb.SafeString(latencyChartSvg(row)));
    hb.registerHelper('deltaChart', (rows: RowView[]) => new hb.SafeString(deltaChartSvg(rows)));
    hb.registerHelper(
      'accuracyChart',
      (devices: Array<{ name: string; rows: RowView[] }>) => new hb.SafeString(accuracyChartSvg(devices)),
    );
    hb.registerHelper('sweepChart', (view: SweepView) => new hb.SafeString(sweepChartSvg(view)));
    htmlEnv = hb;
  }
  return htmlEnv;
}

function envFor(format: TemplateFormat): HandlebarsEnv {
  if (format === 'html') return htmlHandlebars();
  markdownEnv ??= createMarkdownHandlebars();
  return markdownEnv;
}

/** Read and compile a format's template once; later calls reuse it. */
export function templateFor(format: TemplateFormat): (view: ReportView) => string {
  let template = compiled.get(format);
  if (!template) {
    const source = readFileSync(new URL(TEMPLATE_FILES[format], TEMPLATES_DIR), 'utf8');
    // strict: a misspelt field in a template throws instead of rendering as empty.
    const fn = envFor(format).compile<ReportView>(source, { strict: true });
    template = (view) => fn(view);
    compiled.set(format, template);
  }
  return template;
}

const DEFAULT_POINTER =
  "> ✂️ This report was cut to fit GitHub's comment limit. The full report is in the workflow run's job summary and artifacts.";

/** The line appended to a truncated Markdown report, linking `url` when it is a valid http(s) URL. */
export function reportPointer(url?: string): string {
  const href = markdownHref(url);
  if (!href) return DEFAULT_POINTER;
  return `> ✂️ This report was cut to fit GitHub's comment limit: [see the full report](${href}).`;
}

interface Fence {
  char: string;
  length: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Markup that closes whatever is open at the end of a prefix: a code fence, then `<details>` blocks. */
function closers(fence: Fence | null, details: number): string {
  let out = fence ? `\n${fence.char.repeat(fence.length)}` : '';
  for (let i = 0; i < details; i++) out += '\n\n</details>';
  return out;
}

/**
 * Cut Markdown to at most `limit` characters: at a line boundary, closing an open code fence and
 * any open `<details>`, then a blank line and `pointer`. Text within the limit is returned as is.
 */
export function truncateMarkdown(text: string, limit = MARKDOWN_LIMIT, pointer = DEFAULT_POINTER): string {
  if (text.length <= limit) return text;
  const tail = `\n\n${pointer}`;
  if (tail.length > limit) return pointer.slice(0, limit);
  const lines = text.split('\n');
  let fence: Fence | null = null;
  let details = 0;
  let end = 0;
  let best = { end: 0, close: '' };
  for (const line of lines) {
    const m = FENCE.exec(line);
    if (fence) {
      if (m?.[1]?.[0] === fence.char && m[1].length >= fence.length && m[2]?.trim() === '') fence = null;
    } else if (m?.[1] && !(m[1][0] === '`' && m[2]?.includes('`'))) {
      fence = { char: m[1][0] ?? '`', length: m[1].length };
    } else {
      details += (line.match(/<details[\s>]/gi) ?? []).length;
      details = Math.max(0, details - (line.match(/<\/details\s*>/gi) ?? []).length);
    }
    end += line.length;
    if (end > limit) break;
    const close = closers(fence, details);
    if (end + close.length + tail.length <= limit) best = { end, close };
    end += 1; // the newline
  }
  return `${text.slice(0, best.end).trimEnd()}${best.close}${tail}`;
}

/** JSON with object keys sorted at every level, so equal content serialises identically. */
export function stableStringify(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

function asList(input: ReportInput): readonly Results[] {
  return Array.isArray(input) ? input : [input as Results];
}

/** The machine-readable report: the gate (merged over several results) and every comparison. */
export function renderJson(input: ReportInput): string {
  const list = asList(input);
  const comparisons = list
    .flatMap((r) => r.comparisons ?? [])
    .sort((a, b) => cmp(a.device, b.device) || cmp(a.entryId, b.entryId));
  return stableStringify({
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runs: list.map((r) => ({ runId: r.runId, device: r.environment.device.name, source: r.source })),
    gate: mergeGateOutcomes(list.flatMap((r) => (r.gate ? [r.gate] : []))),
    comparisons,
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function markdownRenderer(format: 'md' | 'summary', defaultLimit: number): Renderer {
  return (input, options = {}) => {
    const view = buildViewModel(input, { layerLimit: options.layerLimit, charts: false });
    const text = templateFor(format)(view);
    return truncateMarkdown(text, options.limit ?? defaultLimit, reportPointer(options.fullReportUrl));
  };
}

/** Format → renderer. */
export const RENDERERS: Readonly<Record<ReportFormat, Renderer>> = {
  md: markdownRenderer('md', MARKDOWN_LIMIT),
  summary: markdownRenderer('summary', SUMMARY_LIMIT),
  html: (input, options = {}) =>
    templateFor('html')(buildViewModel(input, { layerLimit: options.layerLimit })),
  json: (input) => renderJson(input),
};

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

export function getRenderer(format: string): Renderer {
  if (!isReportFormat(format)) {
    throw new UsageError(`unknown report format '${format}' (expected one of ${REPORT_FORMATS.join(', ')})`);
  }
  return RENDERERS[format];
}

export function renderReport(format: ReportFormat, input: ReportInput, options?: RenderOptions): string {
  return getRenderer(format)(input, options);
}
