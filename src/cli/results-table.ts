import type { Results } from '../results/schema.js';
import { type Colors, num, table } from './terminal.js';

const LABELLED_HEADER = ['acc@1', 'acc@5', 'Δ@1 vs fp32'];

/** Top-1/top-5 accuracy on the labelled set, and the top-1 drop from fp32 in points. */
function labelledCells(e: Results['entries'][number]): string[] {
  const l = e.accuracy?.validation?.labelled;
  if (!l) return LABELLED_HEADER.map(() => '—');
  const drop = -l.top1Drop * 100;
  return [
    `${(l.top1 * 100).toFixed(1)}%`,
    `${(l.top5 * 100).toFixed(1)}%`,
    `${drop > 0 ? '+' : drop < 0 ? '−' : '±'}${Math.abs(drop).toFixed(1)} pt`,
  ];
}

/** The terminal view of a run: one row per model × precision × batch. */
export function resultsTable(results: Results, c: Colors): string {
  const header = [
    'model',
    'precision',
    'batch',
    'p50 ms',
    'p99 ms',
    'mean ms',
    'cv %',
    'items/s',
    'build ms',
    'max abs err',
    'cosine',
    'top-1',
    'status',
  ];
  // Accuracy against labels, when any model has a labelled validation set.
  const labelled = results.entries.some((e) => e.accuracy?.validation?.labelled);
  if (labelled) header.splice(-1, 0, ...LABELLED_HEADER);
  const rows = results.entries.map((e) => {
    const l = e.latency?.pooled;
    const a = e.accuracy?.worst;
    const status =
      e.status === 'failed'
        ? c.red(`failed (${e.error?.stage ?? '?'})`)
        : e.accuracy && !e.accuracy.passed
          ? c.yellow('accuracy ✗')
          : e.unreliable
            ? c.yellow('unreliable')
            : c.green('ok');
    return [
      e.model,
      e.precision,
      String(e.batchSize),
      num(l?.median),
      num(l?.p99),
      num(l?.mean),
      l?.cv !== undefined ? (l.cv * 100).toFixed(1) : '—',
      num(e.throughput?.itemsPerSec),
      num(e.build?.timeMs),
      a ? a.maxAbsError.toExponential(2) : '—',
      a ? a.cosine.toFixed(6) : '—',
      a?.top1Agreement !== undefined ? `${(a.top1Agreement * 100).toFixed(1)}%` : '—',
      ...(labelled ? labelledCells(e) : []),
      status,
    ];
  });
  const env = results.environment;
  const title = c.bold(
    `trt-gate ${results.tool.version} · ${env.runner} · ${env.device.name} · ${env.runtime.name} ${env.runtime.version}`,
  );
  const problems = results.entries.flatMap((e) => [
    ...(e.error ? [`${c.red('✗')} ${e.id}: ${e.error.stage} failed: ${e.error.message}`] : []),
    ...(e.accuracy?.violations ?? []).map((v) => `${c.yellow('!')} ${e.id}: ${v.message}`),
  ]);
  return [title, '', table(header, rows, 2), ...(problems.length ? ['', ...problems] : [])].join('\n');
}
