import type { Results } from '../results/schema.js';
import { type Colors, num, table } from './terminal.js';

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
