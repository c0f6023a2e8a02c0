import type { Verdict } from '../config/schema.js';
import type { EntryComparison, MetricComparison, Results } from '../results/schema.js';
import { decide } from './compare-results.js';

/**
 * Accepting an expected regression (a PR that knowingly makes a model slower). Explicit, audited
 * and bound to what was accepted:
 * - the entries, by a glob over entry ids such as `tinycnn/fp16/*`;
 * - the commit the acceptance was given for (`@<sha>`, required): results measured at another
 *   commit are not accepted by it, unless it also gives a bound;
 * - the size (`--up-to 12%`): an entry whose regressed metrics worsened by more is not accepted,
 *   at any commit. A bound is what lets an acceptance carry over to later pushes.
 * Only `regressed` entries become `accepted` — never `unchanged` — so the reports keep showing the
 * change. Where acceptances come from (a PR comment command by a user with write access) is the
 * caller's business: nothing in a config can accept.
 */
export interface Acceptance {
  /** Glob over entry ids: `*` any run of characters but `/`, `**` anything, `?` one character. */
  pattern: string;
  /** The commit (a prefix of 7–40 hex digits) the acceptance was given for. */
  commit: string;
  /** Largest worsening accepted, percent, for every regressed metric; undefined: no bound. */
  upToPct?: number;
  by: string;
  /** ISO time the acceptance was given. */
  at: string;
  reason: string;
  /** Where it was given (the comment's page). */
  url?: string;
}

export type AcceptCommand =
  | { pattern: string; commit: string; upToPct?: number; reason: string }
  | { pattern: string; problem: string };

/** Longest pattern and reason kept (the rest of a line is not a command's business). */
const MAX_PATTERN = 200;
const MAX_REASON = 300;
/** A bound above this is no bound at all. */
const MAX_UP_TO_PCT = 1000;

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

/** The usage line the refusals quote. */
export const ACCEPT_USAGE = '/trt-gate accept <entry-glob> @<commit> [--up-to <N>%] [reason]';

/**
 * The `/trt-gate accept <entry-glob> @<commit> [--up-to <N>%] [reason]` commands of a comment: one
 * per line, the command at the start of the line (quoted lines, `> /trt-gate …`, are not
 * commands). The options come before the reason, in any order. A command without its commit or
 * with an unreadable bound is returned with the `problem` (it accepts nothing).
 */
export function parseAcceptCommands(body: string): AcceptCommand[] {
  const out: AcceptCommand[] = [];
  for (const line of body.split(/\r?\n/)) {
    // Zero-width characters come with a line copied from the report (after `@`, against mentions).
    const m = /^\/trt-gate\s+accept\s+(\S+)(?:\s+(.*))?$/.exec(line.replace(ZERO_WIDTH, '').trim());
    if (!m || m[1]!.length > MAX_PATTERN) continue;
    const pattern = m[1]!;
    const words = (m[2] ?? '').trim().split(/\s+/).filter(Boolean);
    let commit: string | undefined;
    let upToPct: number | undefined;
    let problem: string | undefined;
    while (words.length > 0 && !problem) {
      const word = words[0]!;
      if (word.startsWith('@')) {
        if (!/^@[0-9a-f]{7,40}$/i.test(word)) problem = `${word} is not a commit (7 to 40 hex digits)`;
        else commit = word.slice(1).toLowerCase();
      } else if (word === '--up-to' || word.startsWith('--up-to=')) {
        const value = word === '--up-to' ? words.splice(1, 1)[0] : word.slice('--up-to='.length);
        const n = /^\+?(\d+(?:\.\d+)?)%?$/.exec(value ?? '');
        const pct = n ? Number(n[1]) : Number.NaN;
        if (!(pct > 0 && pct <= MAX_UP_TO_PCT)) {
          problem = `--up-to expects a percentage above 0 and at most ${MAX_UP_TO_PCT}, such as 12%, got ${JSON.stringify(value ?? '')}`;
        } else upToPct = pct;
      } else break;
      words.shift();
    }
    if (!problem && !commit) {
      problem = `it names no commit: write ${ACCEPT_USAGE} (the report shows the line for the commit it measured)`;
    }
    if (problem) out.push({ pattern, problem });
    else {
      const reason = words.join(' ').slice(0, MAX_REASON);
      out.push({ pattern, commit: commit!, ...(upToPct !== undefined ? { upToPct } : {}), reason });
    }
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

/** How much worse a metric got, percent (positive: worse), or null when it was not computed. */
export function worseningPct(m: MetricComparison): number | null {
  if (m.deltaPct === null || !Number.isFinite(m.deltaPct)) return null;
  return m.direction === 'lower' ? m.deltaPct : -m.deltaPct;
}

/** Largest worsening of the comparison's regressed metrics; null when one of them has none. */
export function regressionPct(c: EntryComparison): number | null {
  let worst = Number.NEGATIVE_INFINITY;
  for (const m of c.metrics.filter((x) => x.verdict === 'regressed')) {
    const w = worseningPct(m);
    if (w === null) return null;
    worst = Math.max(worst, w);
  }
  return Number.isFinite(worst) ? worst : null;
}

const pct = (x: number) => `${Number(x.toFixed(1))} %`;

/**
 * Why `a` does not accept the regression `c` measured at `commit`, or undefined when it does. Fail
 * closed: a bound with an unknown size, or a commit that cannot be told, accepts nothing.
 */
export function acceptanceRefusal(
  a: Acceptance,
  c: EntryComparison,
  commit: string | undefined,
): string | undefined {
  const sameCommit = commit?.toLowerCase().startsWith(a.commit) === true;
  if (!sameCommit && a.upToPct === undefined) {
    return `given for commit ${a.commit.slice(0, 12)}, but these results are of ${commit ? `commit ${commit.slice(0, 12)}` : 'an unknown commit'}: accept again for it, or give --up-to`;
  }
  if (a.upToPct === undefined) return undefined;
  const size = regressionPct(c);
  if (size === null) return `accepted up to +${pct(a.upToPct)}, but the size of this regression is unknown`;
  if (size > a.upToPct) return `accepted up to +${pct(a.upToPct)}, but it is now +${pct(size)}`;
  return undefined;
}

export interface AcceptanceOutcome {
  results: Results;
  /** Regressed entries an acceptance named but did not accept, and why (plain text). */
  notApplied: Array<{ entryId: string; device: string; acceptance: Acceptance; why: string }>;
}

/**
 * The candidate with every `regressed` entry an acceptance accepts marked `accepted` (the earliest
 * such acceptance recorded), and the gate decided again with `failOn`. `commit` is the commit the
 * results were measured at. An entry an acceptance names but does not accept (another commit
 * without a bound, a larger regression than the bound) stays `regressed`, its reason saying why.
 * Other verdicts are left alone: a failed build or an inconclusive measurement is not something
 * to accept.
 */
export function applyAcceptances(
  results: Results,
  acceptances: readonly Acceptance[],
  failOn: readonly Verdict[],
  commit: string | undefined,
): AcceptanceOutcome {
  const notApplied: AcceptanceOutcome['notApplied'] = [];
  if (acceptances.length === 0 || !results.comparisons) return { results, notApplied };
  const globs = acceptances.map((a) => ({ a, re: entryGlob(a.pattern) }));
  const comparisons = results.comparisons.map((c): EntryComparison => {
    if (c.verdict !== 'regressed') return c;
    const named = globs.filter((g) => g.re.test(c.entryId)).map((g) => g.a);
    const refusals = named.map((a) => ({ a, why: acceptanceRefusal(a, c, commit) }));
    const match = refusals.find((r) => r.why === undefined)?.a;
    if (!match) {
      for (const r of refusals) {
        notApplied.push({ entryId: c.entryId, device: c.device, acceptance: r.a, why: r.why! });
      }
      const last = refusals.at(-1);
      return last ? { ...c, reason: `${c.reason} (not accepted: ${last.why})` } : c;
    }
    const bound = match.upToPct !== undefined ? ` up to +${pct(match.upToPct)}` : '';
    return {
      ...c,
      verdict: 'accepted',
      reason: `regression accepted${bound} by ${match.by}${match.reason ? `: ${match.reason}` : ''} (was: ${c.reason})`,
      accepted: {
        by: match.by,
        at: match.at,
        reason: match.reason,
        pattern: match.pattern,
        commit: match.commit,
        ...(match.upToPct !== undefined ? { upToPct: match.upToPct } : {}),
        ...(match.url ? { url: match.url } : {}),
      },
    };
  });
  return { results: { ...results, comparisons, gate: decide(comparisons, failOn) }, notApplied };
}

/**
 * The command that would accept `c` as measured at `commit`: its entry, the commit, and a bound
 * just above the size measured (whole percent, at least one point above), for the report to show.
 */
export function suggestedAccept(c: EntryComparison, commit: string): string {
  const size = regressionPct(c);
  const bound = size === null ? '' : ` --up-to ${Math.max(1, Math.ceil(size + 1))}%`;
  return `/trt-gate accept ${c.entryId} @${commit.slice(0, 12)}${bound} <reason>`;
}
