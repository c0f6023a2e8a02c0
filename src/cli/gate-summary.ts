import { formatDeltaPct } from '../report/format.js';
import type { EntryComparison, Results } from '../results/schema.js';
import type { Colors } from './terminal.js';

const NOTABLE = new Set(['regressed', 'failed', 'inconclusive', 'environment-mismatch', 'improved']);

function describe(c: EntryComparison): string {
  const key = c.metrics.find((m) => m.verdict === c.verdict) ?? c.metrics[0];
  const metric =
    key && key.deltaPct !== null ? ` ${key.metric} ${formatDeltaPct(key.deltaPct, key.intervalPct)}` : '';
  return `${c.entryId} ${c.verdict}${metric}: ${c.reason}`;
}

/** The gate's verdict for the terminal: conclusion, counts, and the entries that need a look. */
export function gateSummary(results: Results, c: Colors): string {
  const gate = results.gate;
  if (!gate) return '';
  const head =
    gate.conclusion === 'fail'
      ? c.red(c.bold('gate: FAIL'))
      : gate.conclusion === 'neutral'
        ? c.yellow(c.bold('gate: NEUTRAL'))
        : c.green(c.bold('gate: PASS'));
  const counts = Object.entries(gate.counts)
    .map(([verdict, n]) => `${n} ${verdict}`)
    .join(', ');
  const lines = (results.comparisons ?? [])
    .filter((cmp) => NOTABLE.has(cmp.verdict))
    .map((cmp) => {
      const mark =
        cmp.verdict === 'regressed' || cmp.verdict === 'failed'
          ? c.red('✗')
          : cmp.verdict === 'improved'
            ? c.green('↑')
            : c.yellow('?');
      return `  ${mark} ${describe(cmp)}`;
    });
  return [`${head} (${counts}; fails on: ${gate.failOn.join(', ')})`, ...lines].join('\n');
}
