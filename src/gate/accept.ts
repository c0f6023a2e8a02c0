import type { Verdict } from '../config/schema.js';
import type { EntryComparison, Results } from '../results/schema.js';
import { decide } from './compare-results.js';

/**
 * Accepting an expected regression (a PR that knowingly makes a model slower). Explicit and
 * audited: an acceptance names the entries (a glob over entry ids such as `tinycnn/fp16/*`), who
 * gave it, when, why and where. Only `regressed` entries become `accepted` — never `unchanged` —
 * so the reports keep showing the change. Where acceptances come from (a PR comment command by a
 * user with write access) is the caller's business: nothing in a config can accept.
 */
export interface Acceptance {
  /** Glob over entry ids: `*` any run of characters but `/`, `**` anything, `?` one character. */
  pattern: string;
  by: string;
  /** ISO time the acceptance was given. */
  at: string;
  reason: string;
  /** Where it was given (the comment's page). */
  url?: string;
}

export interface AcceptCommand {
  pattern: string;
  reason: string;
}

/** Longest pattern and reason kept (the rest of a line is not a command's business). */
const MAX_PATTERN = 200;
const MAX_REASON = 300;

/**
 * The `/trt-gate accept <entry-glob> [reason]` commands of a comment: one per line, the command at
 * the start of the line (quoted lines, `> /trt-gate …`, are not commands).
 */
export function parseAcceptCommands(body: string): AcceptCommand[] {
  const out: AcceptCommand[] = [];
  for (const line of body.split(/\r?\n/)) {
    const m = /^\/trt-gate\s+accept\s+(\S+)(?:\s+(.*))?$/.exec(line.trim());
    if (!m || m[1]!.length > MAX_PATTERN) continue;
    out.push({ pattern: m[1]!, reason: (m[2] ?? '').trim().slice(0, MAX_REASON) });
  }
  return out;
}

/** The glob as an anchored regular expression (every other character literal). */
export function entryGlob(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The candidate with every `regressed` entry an acceptance names marked `accepted` (the earliest
 * matching acceptance recorded), and the gate decided again with `failOn`. Other verdicts are left
 * alone: a failed build or an inconclusive measurement is not something to accept.
 */
export function applyAcceptances(
  results: Results,
  acceptances: readonly Acceptance[],
  failOn: readonly Verdict[],
): Results {
  if (acceptances.length === 0 || !results.comparisons) return results;
  const globs = acceptances.map((a) => ({ a, re: entryGlob(a.pattern) }));
  const comparisons = results.comparisons.map((c): EntryComparison => {
    if (c.verdict !== 'regressed') return c;
    const match = globs.find((g) => g.re.test(c.entryId))?.a;
    if (!match) return c;
    return {
      ...c,
      verdict: 'accepted',
      reason: `regression accepted by ${match.by}${match.reason ? `: ${match.reason}` : ''} (was: ${c.reason})`,
      accepted: {
        by: match.by,
        at: match.at,
        reason: match.reason,
        pattern: match.pattern,
        ...(match.url ? { url: match.url } : {}),
      },
    };
  });
  return { ...results, comparisons, gate: decide(comparisons, failOn) };
}
