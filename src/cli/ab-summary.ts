import { PAIRED_METRIC } from '../ab/comparison.js';
import { formatDeltaPct } from '../report/format.js';
import type { EntryComparison, Results } from '../results/schema.js';
import { type Colors, table } from './terminal.js';

/** One line per entry of how it was judged: method, verdict, change, pairs, A/A noise, time to verdict. */
export function abSummary(results: Results, c: Colors): string {
  const comparisons = results.comparisons ?? [];
  if (!comparisons.some((cmp) => cmp.method === 'ab')) return '';
  const rows = comparisons.map((cmp) => row(cmp, c));
  const base = comparisons.find((cmp) => cmp.ab)?.ab;
  const notes = base?.notes.map((n) => `note: ${n}`) ?? [];
  return [
    base ? `A/B against ${base.base}, same job, interleaved blocks of ${base.blockIterations}` : 'A/B',
    table(
      ['entry', 'method', 'verdict', `${PAIRED_METRIC} change`, 'pairs', 'A/A noise', 'time to verdict'],
      rows,
      3,
    ),
    ...notes,
  ].join('\n');
}

function row(cmp: EntryComparison, c: Colors): string[] {
  const ab = cmp.ab;
  const metric = cmp.metrics.find((m) => m.metric === PAIRED_METRIC && ab);
  const verdict =
    cmp.verdict === 'regressed' || cmp.verdict === 'failed'
      ? c.red(cmp.verdict)
      : cmp.verdict === 'unchanged' || cmp.verdict === 'improved'
        ? c.green(cmp.verdict)
        : c.yellow(cmp.verdict);
  if (!ab)
    return [cmp.entryId, cmp.method === 'ab' ? 'A/B (not paired)' : 'history', verdict, '—', '—', '—', '—'];
  return [
    cmp.entryId,
    'A/B',
    verdict,
    metric ? formatDeltaPct(metric.deltaPct, metric.intervalPct) : '—',
    ab.discardedRounds > 0 ? `${ab.pairs} (+${ab.discardedRounds} discarded)` : String(ab.pairs),
    ab.aaNoisePct === null ? '—' : `±${ab.aaNoisePct.toFixed(1)} %`,
    `${(ab.timeToVerdictMs / 1000).toFixed(1)} s${ab.stopped === 'settled' ? '' : ` (${ab.stopped})`}`,
  ];
}
