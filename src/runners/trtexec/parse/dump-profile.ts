/**
 * The per-layer table printed by `--dumpProfile`. Two layouts exist:
 *
 * - times first, name last (TensorRT 8.6/10.x; fixture from NVIDIA/TensorRT#3842):
 *     === Profile (2094 iterations ) ===
 *        Time(ms)     Avg.(ms)   Median(ms)   Time(%)   Layer
 *           16.15       0.0077       0.0075       0.5   Reformatting CopyNode for Input Tensor 0 to ...
 * - name first (older trtexec; samples/common/sampleReporting.cpp, Profiler::print):
 *     Layer   Time (ms)   Avg. Time (ms)   Median Time (ms)   Time %
 *     conv1        16.15          0.0077             0.0075      0.5
 *   (the oldest form has no median column).
 *
 * Both end with a `Total` row; a table without one was cut off (`complete: false`) and its last row's
 * name may be cut too. Rows whose numbers cannot be read are a DataError.
 */
import { DataError } from '../../../errors.js';
import type { LayerTiming } from '../../../results/schema.js';
import { guessLayerType } from './export-profile.js';
import { type LogLine, parseLog } from './log.js';
import { strictNumber } from './numbers.js';

export interface DumpProfile {
  iterations: number;
  layers: LayerTiming[];
  /** The `Total` row: totalMs over all iterations and averageMs per iteration. */
  total?: { totalMs: number; averageMs: number; medianMs?: number };
  /** False when the table ends without its `Total` row (cut-off log). */
  complete: boolean;
}

type Column = 'time' | 'avg' | 'median' | 'pct';

/** Parses the first `=== Profile (N iterations ) ===` table; undefined when the log has none. */
export function parseDumpProfile(text: string, source = 'trtexec log'): DumpProfile | undefined {
  const lines = parseLog(text);
  const start = lines.findIndex((l) => /^=== Profile \(\s*\d+ iterations\s*\) ===$/.test(l.text.trim()));
  if (start < 0) return undefined;
  const first = lines[start]!;
  const iterations = strictNumber(
    /\((\s*\d+)/.exec(first.text)![1],
    'profile iterations',
    `${source}: line ${first.lineNo}`,
    source,
  );

  const header = lines[start + 1];
  if (!header) return { iterations, layers: [], complete: false };
  const layout = readHeader(header, source);

  const layers: LayerTiming[] = [];
  let total: DumpProfile['total'];
  for (let i = start + 2; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.text.trim();
    if (t === '' || t.startsWith('===') || t.startsWith('&&&&')) break;
    const where = `${source}: line ${line.lineNo}`;
    const row = readRow(t, layout, where, source);
    if (row.name === 'Total') {
      total = {
        totalMs: row.values.time,
        averageMs: row.values.avg,
        ...(row.values.median === undefined ? {} : { medianMs: row.values.median }),
      };
      break;
    }
    const type = guessLayerType(row.name);
    layers.push({
      name: row.name,
      index: layers.length,
      averageMs: row.values.avg,
      ...(row.values.median === undefined ? {} : { medianMs: row.values.median }),
      percentage: row.values.pct,
      ...(type ? { type } : {}),
    });
  }
  return { iterations, layers, ...(total ? { total } : {}), complete: total !== undefined };
}

interface Layout {
  nameFirst: boolean;
  columns: Column[];
}

function readHeader(line: LogLine, source: string): Layout {
  const t = line.text.trim();
  const columns: Column[] = [];
  // Column labels differ between layouts: `Time(ms)` / `Time (ms)`, `Avg.(ms)` / `Avg. Time (ms)`, ...
  const labels =
    t.match(/Avg\.(?: Time)? ?\(ms\)|Median(?: Time)? ?\(ms\)|Time ?\(ms\)|Time ?\(%\)|Time %|Layer/g) ?? [];
  for (const label of labels) {
    if (label.startsWith('Avg')) columns.push('avg');
    else if (label.startsWith('Median')) columns.push('median');
    else if (label.includes('%')) columns.push('pct');
    else if (label.startsWith('Time')) columns.push('time');
  }
  const layerAt = (labels as string[]).indexOf('Layer');
  if (layerAt < 0 || !columns.includes('avg') || !columns.includes('time') || !columns.includes('pct')) {
    throw new DataError(
      `${source}: line ${line.lineNo}: unrecognised --dumpProfile header ${JSON.stringify(t)}`,
      source,
    );
  }
  return { nameFirst: layerAt === 0, columns };
}

function readRow(
  t: string,
  layout: Layout,
  where: string,
  source: string,
): { name: string; values: Record<Column, number> & { median?: number } } {
  const n = layout.columns.length;
  const re = layout.nameFirst
    ? new RegExp(`^(.*?)${'\\s+(\\S+)'.repeat(n)}$`)
    : new RegExp(`^${Array(n).fill('(\\S+)').join('\\s+')}\\s+(.*)$`);
  const m = re.exec(t);
  if (!m) throw new DataError(`${where}: cannot read profile row ${JSON.stringify(t)}`, source);
  const numbers = layout.nameFirst ? m.slice(2, 2 + n) : m.slice(1, 1 + n);
  const name = (layout.nameFirst ? m[1] : m[n + 1])!.trim();
  const values = {} as Record<Column, number>;
  layout.columns.forEach((col, k) => {
    values[col] = strictNumber(numbers[k], `${name} ${col}`, where, source);
  });
  return { name, values };
}
