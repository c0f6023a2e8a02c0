import type { Verdict } from '../config/schema.js';
import type { GateOutcome } from '../results/schema.js';
import { decide } from './compare-results.js';
import { VERDICT_SEVERITY } from './verdict.js';

/**
 * Several runs' gates as one (a matrix of jobs, several candidates): fail if any failed, pass if
 * any passed, else neutral. `null` for no gates at all.
 */
export function mergeGateOutcomes(gates: readonly GateOutcome[]): GateOutcome | null {
  if (gates.length === 0) return null;
  const conclusion: GateOutcome['conclusion'] = gates.some((g) => g.conclusion === 'fail')
    ? 'fail'
    : gates.some((g) => g.conclusion === 'pass')
      ? 'pass'
      : 'neutral';
  const counts: GateOutcome['counts'] = {};
  for (const g of gates) {
    for (const [verdict, n] of Object.entries(g.counts) as [Verdict, number][]) {
      counts[verdict] = (counts[verdict] ?? 0) + n;
    }
  }
  const failOn = VERDICT_SEVERITY.filter((v) => gates.some((g) => g.failOn.includes(v)));
  return { conclusion, failOn, counts, failing: gates.flatMap((g) => g.failing) };
}

/** The merged gate of candidates that were all gated; with none, the gate of nothing compared. */
export function overallGate(gates: readonly GateOutcome[], failOn: readonly Verdict[]): GateOutcome {
  return mergeGateOutcomes(gates) ?? decide([], failOn);
}
