import type { Verdict } from '../config/schema.js';
import type { GateOutcome } from '../results/schema.js';
import { CONCLUSION_ICONS, CONCLUSION_TEXT, VERDICT_ICONS, VERDICT_LABELS, VERDICT_ORDER } from './labels.js';
import type { Conclusion, CountView, RowView } from './view-model-types.js';

/** The report's overall verdict: runs' gates merged into one, verdict counts and the headline. */

/** Non-zero verdict counts, worst first: the gate's counts, else the rows' verdicts when they were compared. */
export function verdictCounts(
  gate: GateOutcome | null,
  rows: readonly RowView[],
  hasComparisons: boolean,
): CountView[] {
  const countOf = (v: Verdict): number =>
    gate ? (gate.counts[v] ?? 0) : rows.filter((r) => r.verdict === v && hasComparisons).length;
  return VERDICT_ORDER.map((v) => ({
    verdict: v,
    label: VERDICT_LABELS[v],
    icon: VERDICT_ICONS[v],
    count: countOf(v),
  })).filter((c) => c.count > 0);
}

/** e.g. `❌ Regression gate failed: 1 regressed, 3 unchanged`, or a benchmark summary without a gate. */
export function headline(
  conclusion: Conclusion | null,
  counts: readonly CountView[],
  rowCount: number,
  hasComparisons: boolean,
): string {
  const countText = counts.map((c) => `${c.count} ${c.label}`).join(', ');
  return conclusion
    ? `${CONCLUSION_ICONS[conclusion]} ${CONCLUSION_TEXT[conclusion]}${countText ? `: ${countText}` : ''}`
    : `📊 Benchmark results: ${rowCount} ${rowCount === 1 ? 'entry' : 'entries'}${
        hasComparisons ? (countText ? `, ${countText}` : '') : ', no baseline comparison'
      }`;
}
