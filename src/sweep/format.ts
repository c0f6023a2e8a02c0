import { type Colors, num, table } from '../cli/terminal.js';
import type { Entry, Results, SweepResult } from '../results/schema.js';
import { chosenText } from './describe.js';
import { describeSlo } from './sweep.js';

/** Runner errors are untrusted text: no control characters reach the terminal. */
function plain(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** One entry's curve as a terminal table, with the chosen point and why the sweep stopped. */
export function sweepTable(entry: Entry & { sweep: SweepResult }, c: Colors): string {
  const sweep = entry.sweep;
  const chosen = sweep.chosen;
  const rows = sweep.points.map((p) => {
    const mark =
      chosen && p.batchSize === chosen.batchSize && p.concurrency === chosen.concurrency ? '◀' : '';
    if (p.error) return [String(p.batchSize), String(p.concurrency), '—', '—', '—', c.red('failed'), ''];
    return [
      String(p.batchSize),
      String(p.concurrency),
      num(p.latency?.median),
      num(p.latency?.p99),
      num(p.itemsPerSec),
      p.withinSlo === undefined ? '' : p.withinSlo ? 'yes' : c.yellow('no'),
      mark,
    ];
  });
  const lines = [
    c.bold(`sweep ${entry.model} · ${entry.precision}${sweep.slo ? ` (SLO ${describeSlo(sweep.slo)})` : ''}`),
    table(['batch', 'conc', 'p50 ms', 'p99 ms', 'items/s', 'in SLO', ''], rows, 0),
    chosenText(sweep),
    ...sweep.stops.map((s) => `stopped early at concurrency ${s.concurrency}: ${plain(s.reason)}`),
    ...sweep.points
      .filter((p) => p.error)
      .map((p) => `batch ${p.batchSize} × ${p.concurrency}: ${plain(p.error!)}`),
  ];
  return lines.join('\n');
}

/** Every swept entry's curve, or undefined when the run had no sweep. */
export function sweepTables(results: Results, c: Colors): string | undefined {
  const swept = results.entries.filter((e): e is Entry & { sweep: SweepResult } => e.sweep !== undefined);
  return swept.length ? swept.map((e) => sweepTable(e, c)).join('\n\n') : undefined;
}
