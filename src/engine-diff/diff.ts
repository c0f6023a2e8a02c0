/**
 * A per-layer diff of two TensorRT engines and why they differ (see EngineDiffCause). Layers pair by
 * name; the rest by their fused ops (a layer `Conv_5 + Add_6` shares ops with `Conv_5` and
 * `Add_6 + Relu_7`), so a different fusion reads as one `refused` row, not a removal and two additions.
 * Reformat layers are named after the layer they feed, so they pair by name only.
 */
import type { EngineDiff, EngineDiffCause, LayerChange, LayerChangeDetail } from './schema.js';
import { type EngineLayer, type EngineSide, fusedOps, isReformat } from './side.js';

export interface DiffOptions {
  /** Keep at most this many rows (largest |Δ ms| first); the rest are counted in `omitted`. */
  limit?: number;
}

interface Indexed {
  layer: EngineLayer;
  side: 'base' | 'candidate';
}

export function diffEngines(base: EngineSide, candidate: EngineSide, options: DiffOptions = {}): EngineDiff {
  const timed = base.hasTimes && candidate.hasTimes;
  const tactics = base.hasTactics && candidate.hasTactics;
  const rows: LayerChange[] = [
    ...computeRows(
      base.layers.filter((l) => !isReformat(l)),
      candidate.layers.filter((l) => !isReformat(l)),
      tactics,
    ),
    ...reformatRows(
      base.layers.filter((l) => isReformat(l)),
      candidate.layers.filter((l) => isReformat(l)),
    ),
  ].map((row) => (timed ? withTimes(row, base, candidate) : row));

  const count = (kind: LayerChange['kind']) => rows.filter((r) => r.kind === kind).length;
  const detail = (what: LayerChangeDetail['what']) =>
    rows.filter((r) => r.changes.some((c) => c.what === what)).length;
  const counts = {
    baseLayers: base.layers.length,
    candidateLayers: candidate.layers.length,
    same: count('same'),
    changed: count('changed'),
    added: count('added'),
    removed: count('removed'),
    refused: count('refused'),
    tactic: detail('tactic'),
    implementation: detail('implementation'),
    precision: detail('precision'),
    format: detail('format'),
    reformatsBase: base.layers.filter(isReformat).length,
    reformatsCandidate: candidate.layers.filter(isReformat).length,
  };
  const precision = {
    ...opt('base', dominantPrecision(base)),
    ...opt('candidate', dominantPrecision(candidate)),
  };
  const environment = {
    tensorrt: {
      ...opt('base', base.environment.tensorrt),
      ...opt('candidate', candidate.environment.tensorrt),
    },
    device: { ...opt('base', base.environment.device), ...opt('candidate', candidate.environment.device) },
  };
  const { cause, reason } = explain({ counts, precision, environment, base, candidate, tactics });

  const moved = rows
    .filter((r) => r.kind !== 'same' || (r.deltaMs ?? 0) !== 0)
    .sort((a, b) => Math.abs(b.deltaMs ?? 0) - Math.abs(a.deltaMs ?? 0));
  const limit = options.limit ?? moved.length;
  const out: EngineDiff = {
    cause,
    reason,
    environment,
    precision,
    counts,
    layers: moved.slice(0, limit),
    omitted: Math.max(0, moved.length - limit),
  };
  if (timed) out.time = timeSummary(rows, base, candidate);
  return out;
}

function opt<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function computeRows(base: EngineLayer[], candidate: EngineLayer[], tactics: boolean): LayerChange[] {
  const rows: LayerChange[] = [];
  const byName = new Map<string, EngineLayer[]>();
  for (const l of base) byName.set(l.name, [...(byName.get(l.name) ?? []), l]);
  const leftCandidate: EngineLayer[] = [];
  for (const c of candidate) {
    const b = byName.get(c.name)?.shift();
    if (b) rows.push(pairRow(b, c, tactics));
    else leftCandidate.push(c);
  }
  const leftBase = [...byName.values()].flat();
  for (const group of fusionGroups(leftBase, leftCandidate)) {
    const b = group.filter((g) => g.side === 'base').map((g) => g.layer);
    const c = group.filter((g) => g.side === 'candidate').map((g) => g.layer);
    const kind = b.length > 0 && c.length > 0 ? 'refused' : b.length > 0 ? 'removed' : 'added';
    const type = (c[0] ?? b[0])?.type;
    rows.push({
      kind,
      baseNames: b.map((l) => l.name),
      candidateNames: c.map((l) => l.name),
      ...(type ? { type } : {}),
      changes: [],
    });
  }
  return rows;
}

/** Unpaired layers grouped by shared ops (union-find over op names), in execution order. */
function fusionGroups(base: EngineLayer[], candidate: EngineLayer[]): Indexed[][] {
  const items: Indexed[] = [
    ...base.map((layer) => ({ layer, side: 'base' as const })),
    ...candidate.map((layer) => ({ layer, side: 'candidate' as const })),
  ];
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const owner = new Map<string, number>();
  items.forEach((item, i) => {
    for (const op of fusedOps(item.layer.name)) {
      const j = owner.get(op);
      if (j === undefined) owner.set(op, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Indexed[]>();
  items.forEach((item, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), item]);
  });
  return [...groups.values()];
}

function pairRow(b: EngineLayer, c: EngineLayer, tactics: boolean): LayerChange {
  const changes: LayerChangeDetail[] = [];
  const differ = (x: string | undefined, y: string | undefined) =>
    x !== undefined && y !== undefined && x !== y;
  if (tactics && b.tactic !== c.tactic) changes.push(detail('tactic', b.tactic, c.tactic));
  if (differ(b.type, c.type)) changes.push(detail('implementation', b.type, c.type));
  if (differ(b.precision, c.precision)) changes.push(detail('precision', b.precision, c.precision));
  else if (differ(b.format, c.format)) changes.push(detail('format', b.format, c.format));
  const type = c.type ?? b.type;
  return {
    kind: changes.length > 0 ? 'changed' : 'same',
    baseNames: [b.name],
    candidateNames: [c.name],
    ...(type ? { type } : {}),
    changes,
  };
}

function detail(what: LayerChangeDetail['what'], base?: string, candidate?: string): LayerChangeDetail {
  return { what, ...opt('base', base), ...opt('candidate', candidate) };
}

function reformatRows(base: EngineLayer[], candidate: EngineLayer[]): LayerChange[] {
  const rows: LayerChange[] = [];
  const left = new Map<string, EngineLayer[]>();
  for (const l of base) left.set(l.name, [...(left.get(l.name) ?? []), l]);
  for (const c of candidate) {
    const b = left.get(c.name)?.shift();
    if (b) rows.push(pairRow(b, c, false));
    else
      rows.push({
        kind: 'reformat-added',
        baseNames: [],
        candidateNames: [c.name],
        type: 'Reformat',
        changes: [],
      });
  }
  for (const b of [...left.values()].flat()) {
    rows.push({
      kind: 'reformat-removed',
      baseNames: [b.name],
      candidateNames: [],
      type: 'Reformat',
      changes: [],
    });
  }
  return rows;
}

function sumMs(side: EngineSide, names: readonly string[]): number {
  const set = new Set(names);
  return side.layers.filter((l) => set.has(l.name)).reduce((s, l) => s + (l.ms ?? 0), 0);
}

function withTimes(row: LayerChange, base: EngineSide, candidate: EngineSide): LayerChange {
  const baseMs = row.baseNames.length > 0 ? sumMs(base, row.baseNames) : undefined;
  const candidateMs = row.candidateNames.length > 0 ? sumMs(candidate, row.candidateNames) : undefined;
  return {
    ...row,
    ...(baseMs !== undefined ? { baseMs } : {}),
    ...(candidateMs !== undefined ? { candidateMs } : {}),
    deltaMs: (candidateMs ?? 0) - (baseMs ?? 0),
  };
}

function timeSummary(
  rows: LayerChange[],
  base: EngineSide,
  candidate: EngineSide,
): NonNullable<EngineDiff['time']> {
  const total = (s: EngineSide) => s.layers.reduce((sum, l) => sum + (l.ms ?? 0), 0);
  const byKind: Record<string, number> = {};
  for (const r of rows) {
    // A changed row's time goes to its first change (tactic before implementation, precision, format).
    const key = r.kind === 'changed' ? r.changes[0]!.what : r.kind;
    byKind[key] = (byKind[key] ?? 0) + (r.deltaMs ?? 0);
  }
  const baseMs = total(base);
  const candidateMs = total(candidate);
  return { baseMs, candidateMs, deltaMs: candidateMs - baseMs, byKind };
}

/** What most compute layers hold; ties and empty sides give undefined rather than a guess. */
export function dominantPrecision(side: EngineSide): string | undefined {
  const tally = new Map<string, number>();
  for (const l of side.layers) {
    if (isReformat(l) || l.precision === undefined) continue;
    tally.set(l.precision, (tally.get(l.precision) ?? 0) + 1);
  }
  const sorted = [...tally.entries()].sort((a, b) => b[1] - a[1]);
  if (sorted.length === 0 || (sorted.length > 1 && sorted[0]![1] === sorted[1]![1])) return undefined;
  return sorted[0]![0];
}

interface Facts {
  counts: EngineDiff['counts'];
  precision: EngineDiff['precision'];
  environment: EngineDiff['environment'];
  base: EngineSide;
  candidate: EngineSide;
  tactics: boolean;
}

function explain(f: Facts): { cause: EngineDiffCause; reason: string } {
  const c = f.counts;
  const envChanges = (['tensorrt', 'device'] as const)
    .filter((k) => {
      const s = f.environment[k];
      return s.base !== undefined && s.candidate !== undefined && s.base !== s.candidate;
    })
    .map(
      (k) =>
        `${k === 'tensorrt' ? 'TensorRT' : 'device'} ${f.environment[k].base} → ${f.environment[k].candidate}`,
    );
  const graph = [
    c.added ? `${c.added} layer(s) added` : '',
    c.removed ? `${c.removed} removed` : '',
    c.refused ? `${c.refused} fused differently` : '',
  ].filter(Boolean);
  const drift = [
    c.tactic ? `${c.tactic} tactic(s)` : '',
    c.implementation ? `${c.implementation} implementation(s)` : '',
    c.precision ? `${c.precision} layer precision(s)` : '',
    c.format ? `${c.format} format(s)` : '',
    c.reformatsBase !== c.reformatsCandidate
      ? `reformat layers ${c.reformatsBase} → ${c.reformatsCandidate}`
      : '',
  ].filter(Boolean);
  const what = [...graph, ...drift].join(', ') || 'no layer changes';
  const unknownEnv = (['tensorrt', 'device'] as const).some(
    (k) => f.environment[k].base === undefined || f.environment[k].candidate === undefined,
  )
    ? ' (TensorRT version or device not known for both sides: an upgrade would look the same)'
    : '';
  if (envChanges.length > 0) {
    return {
      cause: 'environment',
      reason: `${envChanges.join('; ')}: the engines are not comparable as builds (${what})`,
    };
  }
  if (graph.length > 0) {
    return { cause: 'graph-change', reason: `the layer graph changed: ${what}${unknownEnv}` };
  }
  const p = f.precision;
  if (p.base !== undefined && p.candidate !== undefined && p.base !== p.candidate) {
    return {
      cause: 'precision-change',
      reason: `same layers, engine precision ${p.base} → ${p.candidate} (${what})${unknownEnv}`,
    };
  }
  if (drift.length > 0) {
    return {
      cause: 'tactic-drift',
      reason: `same layers and precision, the builder chose differently: ${drift.join(', ')}${unknownEnv}`,
    };
  }
  if (!f.tactics) {
    const missing = [f.base.hasTactics ? '' : 'base', f.candidate.hasTactics ? '' : 'candidate'].filter(
      Boolean,
    );
    return {
      cause: 'undetermined',
      reason: `same layers, but no tactics recorded for the ${missing.join(' and ')} (export --exportLayerInfo with --profilingVerbosity=detailed)`,
    };
  }
  return {
    cause: 'identical',
    reason: `same layers, tactics and formats: a latency change is not in the engine (clocks, load, measurement)${unknownEnv}`,
  };
}
