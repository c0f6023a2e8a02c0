import { keyId } from '../results/key.js';
import type { BaselineKey, Entry } from '../results/schema.js';
import type { BaselineRun, BaselineStore, ReadOptions } from '../store/types.js';

/**
 * A series: every stored run of one model × precision × batch size with one runner on one device,
 * oldest first, across the store keys that differ only in environment (runtime versions, driver,
 * build options). The store keeps those keys apart so the gate never compares across them; the
 * history reads them together so an upgrade shows as an environment step in one trend.
 */
export interface SeriesIdentity {
  model: string;
  precision: string;
  batchSize: number | 'unknown';
  runner: string;
  device: string;
}

/** What a run's environment was; a change of any field starts a new environment segment. */
export interface RunEnvironment {
  /** `tensorrt 10.3.0 / driver 550.54`, `onnxruntime 1.30.0`: the key's runtime. */
  runtime: string;
  optionsHash: string;
  /** The GPU clocks policy where the run recorded one (health.clocksPolicy), else `unrecorded`. */
  clocks: string;
}

export interface SeriesRun {
  /** 1-based position in the series. */
  number: number;
  runId: string;
  createdAt: string;
  sha?: string;
  keyId: string;
  environment: RunEnvironment;
  entry: Entry;
}

export interface Series {
  id: string;
  identity: SeriesIdentity;
  runs: SeriesRun[];
}

export function seriesLabel(s: SeriesIdentity): string {
  return `${s.model}/${s.precision}/b${s.batchSize}`;
}

function identityOf(key: BaselineKey): SeriesIdentity {
  return {
    model: key.model,
    precision: key.precision,
    batchSize: key.batchSize,
    runner: key.runner,
    device: key.device,
  };
}

function identityId(s: SeriesIdentity): string {
  return JSON.stringify([s.device, s.runner, s.model, s.precision, s.batchSize]);
}

function environmentOf(key: BaselineKey, entry: Entry): RunEnvironment {
  const clocks = entry.health?.clocksPolicy;
  return {
    runtime: key.runtime,
    optionsHash: key.optionsHash,
    clocks: typeof clocks === 'string' && clocks !== '' ? clocks : 'unrecorded',
  };
}

function toSeriesRun(key: BaselineKey, run: BaselineRun): Omit<SeriesRun, 'number'> {
  return {
    runId: run.runId,
    createdAt: run.createdAt,
    ...(run.source?.sha ? { sha: run.source.sha } : {}),
    keyId: keyId(key),
    environment: environmentOf(key, run.entry),
    entry: run.entry,
  };
}

/**
 * Does `filter` select this key? A key id, a series label `model[/precision[/bN]]`, or another key:
 * then every key of its series (the same model, precision, batch size, runner and device, whatever
 * the environment), so a series is read across its upgrades.
 */
export function matchesFilter(key: BaselineKey, filter: string | BaselineKey): boolean {
  if (typeof filter !== 'string') return identityId(identityOf(key)) === identityId(identityOf(filter));
  if (filter === keyId(key)) return true;
  const parts = filter.split('/');
  const label = [key.model, key.precision, `b${key.batchSize}`];
  return parts.length <= 3 && parts.every((part, i) => part === label[i]);
}

/**
 * Reads every key (or those matching a filter) and groups their runs into series, each sorted by
 * time (ties by run id, so the order never depends on the listing order). `read.samples: false`
 * when nothing will look at raw samples (the change-point analysis does not): much cheaper.
 */
export async function readSeries(
  store: BaselineStore,
  filters: ReadonlyArray<string | BaselineKey> = [],
  read: ReadOptions = {},
): Promise<Series[]> {
  const groups = new Map<string, { identity: SeriesIdentity; runs: Array<Omit<SeriesRun, 'number'>> }>();
  for (const key of await store.list()) {
    if (filters.length > 0 && !filters.some((f) => matchesFilter(key, f))) continue;
    const history = await store.read(key, read);
    if (!history) continue;
    const identity = identityOf(key);
    const id = identityId(identity);
    const group = groups.get(id) ?? { identity, runs: [] };
    for (const run of history.runs) group.runs.push(toSeriesRun(history.key, run));
    groups.set(id, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, group]) => ({
      id,
      identity: group.identity,
      runs: group.runs
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.runId.localeCompare(b.runId))
        .map((run, i) => ({ ...run, number: i + 1 })),
    }));
}

/** A stretch of consecutive runs with one environment. */
export interface EnvironmentSegment {
  /** Index (0-based) of the first run and one past the last. */
  start: number;
  end: number;
  environment: RunEnvironment;
}

const sameEnvironment = (a: RunEnvironment, b: RunEnvironment) =>
  a.runtime === b.runtime && a.optionsHash === b.optionsHash && a.clocks === b.clocks;

export function environmentSegments(runs: readonly SeriesRun[]): EnvironmentSegment[] {
  const segments: EnvironmentSegment[] = [];
  runs.forEach((run, i) => {
    const last = segments.at(-1);
    if (last && sameEnvironment(last.environment, run.environment)) last.end = i + 1;
    else segments.push({ start: i, end: i + 1, environment: run.environment });
  });
  return segments;
}

export interface EnvironmentChange {
  field: 'runtime' | 'options' | 'clocks';
  from: string;
  to: string;
}

/**
 * What changed between two environments. A runtime such as `tensorrt 10.3.0 / driver 550.54` is
 * compared part by part, so a TensorRT upgrade is not also reported as a driver change.
 */
export function environmentChanges(a: RunEnvironment, b: RunEnvironment): EnvironmentChange[] {
  const changes: EnvironmentChange[] = [];
  if (a.runtime !== b.runtime) {
    const pa = a.runtime.split(' / ');
    const pb = b.runtime.split(' / ');
    if (pa.length === pb.length) {
      pa.forEach((part, i) => {
        if (part !== pb[i]) changes.push({ field: 'runtime', from: part, to: pb[i]! });
      });
    } else changes.push({ field: 'runtime', from: a.runtime, to: b.runtime });
  }
  if (a.optionsHash !== b.optionsHash)
    changes.push({ field: 'options', from: a.optionsHash, to: b.optionsHash });
  if (a.clocks !== b.clocks) changes.push({ field: 'clocks', from: a.clocks, to: b.clocks });
  return changes;
}
