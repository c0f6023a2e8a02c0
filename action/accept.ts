import { type Acceptance, applyAcceptances } from '../src/gate/accept.js';
import { overallGate } from '../src/gate/merge-outcomes.js';
import type { GateOutcome, Results } from '../src/results/schema.js';
import { readAcceptances } from './github/accept.js';
import { errorMessage } from './github/octokit.js';
import type { ModeContext } from './modes.js';

export interface Accepted {
  compared: Results[];
  gate: GateOutcome;
  /** The acceptances that marked some entry, for the audit lines of the reports. */
  used: Array<Acceptance & { entries: string[] }>;
  /** Commands not honoured, and why (plain text). */
  refused: string[];
}

/**
 * Regressions accepted on the pull request: `/trt-gate accept <entry-glob> @<commit> [--up-to N%]
 * [reason]` comments by users with write access (action/github/accept.ts) mark matching
 * `regressed` entries `accepted` when the acceptance holds for the commit measured, `m.target.sha`
 * (src/gate/accept.ts), and the gate is decided again. Without a pull request, a regression, or a
 * token nothing is read; a failure to read them accepts nothing (fail closed) and says so.
 */
export async function acceptRegressions(
  m: ModeContext,
  compared: Results[],
  gate: GateOutcome,
): Promise<Accepted> {
  const none: Accepted = { compared, gate, used: [], refused: [] };
  const pr = m.target.pullRequest;
  const regressed = compared.some((r) => r.comparisons?.some((c) => c.verdict === 'regressed'));
  if (!pr || !regressed || !m.api) return none;
  let read: Awaited<ReturnType<typeof readAcceptances>>;
  try {
    read = await readAcceptances(m.api, m.ctx.owner, m.ctx.repo, pr.number);
  } catch (error) {
    m.log.warning(`trt-gate: could not read accept commands on PR #${pr.number} (${errorMessage(error)})`);
    return {
      ...none,
      refused: [`accept commands could not be read (${errorMessage(error)}): nothing accepted`],
    };
  }
  for (const r of read.refused) m.log.info(`refused: ${r}`);
  const applied = compared.map((r) => applyAcceptances(r, read.accepted, gate.failOn, m.target.sha));
  const after = applied.map((a) => a.results);
  const notApplied = applied.flatMap((a) =>
    a.notApplied.map(
      (n) =>
        `accept ${n.acceptance.pattern} @${n.acceptance.commit} by ${n.acceptance.by} for ${n.entryId} (${n.device}): ${n.why}`,
    ),
  );
  for (const r of notApplied) m.log.info(`not accepted: ${r}`);
  const used = read.accepted
    .map((a) => ({
      ...a,
      entries: after.flatMap((r) =>
        (r.comparisons ?? [])
          .filter(
            (c) => c.accepted?.pattern === a.pattern && c.accepted.by === a.by && c.accepted.at === a.at,
          )
          .map((c) => `${c.entryId} (${c.device})`),
      ),
    }))
    .filter((a) => a.entries.length > 0);
  for (const a of used) m.log.info(`accepted by ${a.by}: ${a.entries.join(', ')}`);
  return {
    compared: after,
    gate: overallGate(
      after.map((r) => r.gate!),
      gate.failOn,
    ),
    used,
    refused: [...read.refused, ...notApplied],
  };
}
