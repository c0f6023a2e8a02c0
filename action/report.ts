import { escapeMarkdown } from '../src/report/escape.js';
import { MARKDOWN_LIMIT, renderReport, reportPointer, truncateMarkdown } from '../src/report/render.js';
import { buildViewModel } from '../src/report/view-model.js';
import type { Results } from '../src/results/schema.js';
import { markdownHref } from '../src/util/untrusted.js';
import { CHECK_SUMMARY_BYTES } from './github/check.js';
import { COMMENT_LIMIT } from './github/comment.js';

export interface Reports {
  /** The sticky comment: marker, report cut below GitHub's limit, footer. */
  comment: string;
  /** Job summary (Markdown). */
  summary: string;
  /** The whole Markdown report, never cut (written to results-dir). */
  full: string;
  html: string;
  json: string;
  /** One line for the check run's title. */
  headline: string;
  /** Check run summary, cut to the check API's limit. */
  checkSummary: string;
}

export interface ReportOptions {
  marker: string;
  mode: string;
  /** What was compared with, e.g. `branch main`; untrusted (a branch name), escaped here. */
  baselineLabel: string;
  /** The workflow run page, where the job summary and artifacts are. */
  runUrl?: string;
  /** Extra Markdown lines (already escaped) shown above the footer, e.g. appended-baseline counts. */
  notes?: string[];
  /** Why the gate failed closed (untrusted text: file names), shown first everywhere. */
  problems?: string[];
  /** How the run was judged (untrusted text: branch names), shown after the problems everywhere. */
  notices?: string[];
}

/** A note block (comment, summary, check) saying how the run was judged; empty when nothing. */
function noticesBlock(notices: readonly string[] | undefined): string {
  if (!notices?.length) return '';
  return `> [!NOTE]\n${notices.map((n) => `> ${escapeMarkdown(n)}`).join('\n>\n')}\n\n`;
}

/** A caution block listing what the gate could not check; empty when there is nothing. */
function problemsBlock(problems: readonly string[] | undefined): string {
  if (!problems?.length) return '';
  const items = problems.map((p) => `> - ${escapeMarkdown(p)}`).join('\n');
  return `> [!CAUTION]\n> **Failed closed: not everything could be checked.**\n${items}\n\n`;
}

/** A safe Markdown link `[label](url)`, or nothing for a URL that is not plain http(s). */
export function safeLink(label: string, url: string | undefined): string {
  const href = markdownHref(url);
  return href ? `[${label}](${href})` : '';
}

/** A safe ` · [workflow run](url)`, or nothing. */
function runLink(url: string | undefined): string {
  const link = safeLink('workflow run', url);
  return link ? ` · ${link}` : '';
}

export function renderReports(compared: readonly Results[], options: ReportOptions): Reports {
  const footer =
    `<sub>trt-gate · mode ${escapeMarkdown(options.mode)} · compared with ${escapeMarkdown(options.baselineLabel)}` +
    `${runLink(options.runUrl)}</sub>`;
  const notes = options.notes?.length ? `${options.notes.join('\n')}\n\n` : '';
  const tail = `\n\n${notes}${footer}`;
  const problems = problemsBlock(options.problems) + noticesBlock(options.notices);
  const head = `${options.marker}\n${problems}`;
  const budget = Math.min(MARKDOWN_LIMIT, COMMENT_LIMIT - 1) - head.length - tail.length;
  const md = renderReport('md', compared, { fullReportUrl: options.runUrl, limit: budget });
  const comment = truncateMarkdown(`${head}${md}${tail}`, COMMENT_LIMIT - 1, reportPointer(options.runUrl));
  const full = `${problems}${renderReport('md', compared, { limit: Number.MAX_SAFE_INTEGER })}${tail}`;
  const summary = `${problems}${renderReport('summary', compared, { fullReportUrl: options.runUrl })}${tail}`;
  const checkSummary =
    problems +
    renderReport('md', compared, {
      fullReportUrl: options.runUrl,
      // A character budget for the renderer's own cut; publishCheck then fits it to the byte limit.
      limit: CHECK_SUMMARY_BYTES - 1,
    });
  return {
    comment,
    summary,
    full,
    html: renderReport('html', compared),
    json: renderReport('json', compared),
    headline: options.problems?.length
      ? `Failed closed: ${options.problems[0]}${options.problems.length > 1 ? ` (+${options.problems.length - 1} more)` : ''}`
      : buildViewModel(compared).headline,
    checkSummary,
  };
}
