/**
 * `--exportTimes=<file>`: one JSON object per timed query.
 *
 * Current form (samples/common/sampleReporting.cpp, exportJSONTrace; the RTX 3090 fixture):
 *   { "startEnqMs", "endEnqMs", "startH2dMs", "endH2dMs", "startComputeMs", "endComputeMs",
 *     "startD2hMs", "endD2hMs", "h2dMs", "computeMs", "d2hMs", "latencyMs" }
 * written for the queries after warm-up only. There is no `enqueueMs` field: it is derived here as
 * `endEnqMs - startEnqMs` (what trtexec's own summary uses for Enqueue Time) and flagged `enqueueDerived`.
 *
 * Legacy form (TensorRT 7.x – 8.2; field names as read by that era's samples/trtexec/tracer.py): `startInMs`,
 * `endInMs`, `startOutMs`, `endOutMs`, `inMs`, `outMs`, `latencyMs` and an extra `endToEndMs`, and the file
 * also holds the warm-up queries. It is recognised by `endToEndMs`. Warm-up entries are dropped with the rule
 * trtexec applies itself (an entry is timed when `startComputeMs >= warmUpMs`, default `--warmUp` 200 ms);
 * `inMs`/`outMs` are read as H2D/D2H and `endToEndMs` is returned separately, never used as latency.
 * TensorRT 8.0–8.4 also wrote the warm-up queries with the current field names: `dropWarmup` applies the
 * same rule to those files (the caller knows the version).
 */
import { DataError } from '../../../errors.js';
import { describe, jsonNumber, parseJsonText } from './numbers.js';

export interface ExportTimes {
  format: 'current' | 'legacy';
  count: number;
  latencyMs: number[];
  computeMs?: number[];
  h2dMs?: number[];
  d2hMs?: number[];
  enqueueMs?: number[];
  /** Legacy files only: host end-to-end latency including queueing. */
  endToEndMs?: number[];
  /** True when enqueueMs was computed from startEnqMs/endEnqMs rather than read. */
  enqueueDerived: boolean;
  /** Warm-up entries removed (legacy files, or dropWarmup). */
  droppedWarmup: number;
  /** Host span of the timed queries (first transfer start → last transfer end), when timestamps exist. */
  wallMs?: number;
}

export interface ExportTimesOptions {
  /** The `--warmUp` used for the run (ms); only needed where warm-up entries are dropped. Default: trtexec's 200. */
  warmUpMs?: number;
  /**
   * Drop warm-up entries from a current-format file too: TensorRT 8.0–8.4 wrote them with the 8.5 field
   * names (trtexec2 A100 fixture: 1600 entries, the first 100 warm-up). Legacy files are always dropped.
   */
  dropWarmup?: boolean;
}

type Entry = Record<string, unknown>;

const SERIES: ReadonlyArray<[keyof ExportTimes & string, string[]]> = [
  ['computeMs', ['computeMs']],
  ['h2dMs', ['h2dMs', 'inMs']],
  ['d2hMs', ['d2hMs', 'outMs']],
  ['enqueueMs', ['enqueueMs']],
  ['endToEndMs', ['endToEndMs']],
];

export function parseExportTimes(
  text: string,
  source: string,
  options: ExportTimesOptions = {},
): ExportTimes {
  const data = parseJsonText(text, source);
  if (!Array.isArray(data)) {
    throw new DataError(
      `${source}: expected a JSON array of per-query timings (trtexec --exportTimes), found ${describe(data)}`,
      source,
    );
  }
  if (data.length === 0) throw new DataError(`${source}: the timing trace has no queries`, source);
  data.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new DataError(`${source}: entry ${i}: expected an object, found ${describe(entry)}`, source);
    }
    if (!('latencyMs' in entry)) {
      throw new DataError(
        `${source}: entry ${i}: has no latencyMs; not a trtexec --exportTimes file?`,
        source,
      );
    }
  });
  const all = data as Entry[];
  const legacy = all.some((e) => 'endToEndMs' in e);

  let entries = all;
  let droppedWarmup = 0;
  if (legacy || (options.dropWarmup && all.every((e) => 'startComputeMs' in e))) {
    const warmUpMs = options.warmUpMs ?? 200;
    const first = all.findIndex(
      (e, i) => jsonNumber(e.startComputeMs, `entry ${i}: startComputeMs`, source) >= warmUpMs,
    );
    if (first < 0) {
      throw new DataError(`${source}: every query started before the ${warmUpMs} ms warm-up ended`, source);
    }
    droppedWarmup = first;
    entries = all.slice(first);
  }

  const offset = droppedWarmup;
  const column = (keys: string[]): number[] | undefined => {
    const key = keys.find((k) => k in entries[0]!);
    if (key === undefined) return undefined;
    return entries.map((e, i) => {
      if (!(key in e))
        throw new DataError(`${source}: entry ${i + offset}: ${key} missing (present in others)`, source);
      return jsonNumber(e[key], `entry ${i + offset}: ${key}`, source);
    });
  };

  const result: ExportTimes = {
    format: legacy ? 'legacy' : 'current',
    count: entries.length,
    latencyMs: column(['latencyMs'])!,
    enqueueDerived: false,
    droppedWarmup,
  };
  for (const [field, keys] of SERIES) {
    const values = column(keys);
    if (values) (result as unknown as Record<string, number[]>)[field] = values;
  }
  if (!result.enqueueMs) {
    const start = column(['startEnqMs']);
    const end = column(['endEnqMs']);
    if (start && end) {
      result.enqueueMs = end.map((e, i) => e - start[i]!);
      result.enqueueDerived = true;
    }
  }
  const starts = column(['startH2dMs', 'startInMs', 'startComputeMs']);
  const ends = column(['endD2hMs', 'endOutMs', 'endComputeMs']);
  if (starts && ends) {
    // reduce, not Math.max(...xs): traces can hold more entries than a call may take arguments.
    result.wallMs =
      ends.reduce((a, b) => Math.max(a, b), -Infinity) - starts.reduce((a, b) => Math.min(a, b), Infinity);
  }
  return result;
}
