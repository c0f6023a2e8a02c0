import type { LayerDelta, LayerTiming } from '../results/schema.js';

/** How many of the layers that grew most an entry comparison lists. */
export const TOP_LAYERS = 5;

interface Pair {
  candidate: LayerTiming;
  baseline: LayerTiming;
  matchedBy: LayerDelta['matchedBy'];
}

function byIndex(a: LayerTiming, b: LayerTiming): number {
  return a.index - b.index;
}

/**
 * Pairs candidate layers with baseline layers: by name first; then layers left over on both sides
 * are paired by type and position — the k-th unmatched layer of a type with the k-th unmatched
 * layer of that type, in execution order — which survives the renames a new TensorRT version or
 * a changed fusion brings.
 */
export function matchLayers(candidate: readonly LayerTiming[], baseline: readonly LayerTiming[]): Pair[] {
  const pairs: Pair[] = [];
  const byName = new Map<string, LayerTiming[]>();
  for (const layer of [...baseline].sort(byIndex)) {
    const list = byName.get(layer.name);
    if (list) list.push(layer);
    else byName.set(layer.name, [layer]);
  }
  const usedBaseline = new Set<LayerTiming>();
  const leftCandidate: LayerTiming[] = [];
  for (const layer of [...candidate].sort(byIndex)) {
    const match = byName.get(layer.name)?.shift();
    if (match) {
      pairs.push({ candidate: layer, baseline: match, matchedBy: 'name' });
      usedBaseline.add(match);
    } else {
      leftCandidate.push(layer);
    }
  }
  const leftByType = new Map<string, LayerTiming[]>();
  for (const layer of [...baseline].sort(byIndex)) {
    if (usedBaseline.has(layer) || layer.type === undefined) continue;
    const list = leftByType.get(layer.type);
    if (list) list.push(layer);
    else leftByType.set(layer.type, [layer]);
  }
  for (const layer of leftCandidate) {
    if (layer.type === undefined) continue;
    const match = leftByType.get(layer.type)?.shift();
    if (match) pairs.push({ candidate: layer, baseline: match, matchedBy: 'type-position' });
  }
  return pairs;
}

function note(pair: Pair): string | undefined {
  const { candidate: c, baseline: b } = pair;
  const notes: string[] = [];
  if (pair.matchedBy === 'type-position')
    notes.push(`matched to baseline layer "${b.name}" by type and position`);
  if (c.precision !== b.precision && (c.precision !== undefined || b.precision !== undefined)) {
    notes.push(`precision changed ${b.precision ?? '?'} → ${c.precision ?? '?'}`);
  }
  if (c.tactic !== b.tactic && (c.tactic !== undefined || b.tactic !== undefined)) {
    notes.push(`tactic changed ${b.tactic ?? '?'} → ${c.tactic ?? '?'}`);
  }
  return notes.length > 0 ? notes.join('; ') : undefined;
}

/** The `limit` matched layers whose average time grew most (growth only), largest first. */
export function attributeLayers(
  candidate: readonly LayerTiming[],
  baseline: readonly LayerTiming[],
  limit = TOP_LAYERS,
): LayerDelta[] {
  const deltas: LayerDelta[] = [];
  for (const pair of matchLayers(candidate, baseline)) {
    const deltaMs = pair.candidate.averageMs - pair.baseline.averageMs;
    if (!(deltaMs > 0)) continue;
    const delta: LayerDelta = {
      name: pair.candidate.name,
      matchedBy: pair.matchedBy,
      baselineMs: pair.baseline.averageMs,
      candidateMs: pair.candidate.averageMs,
      deltaMs,
      deltaPct:
        pair.baseline.averageMs > 0 ? (pair.candidate.averageMs / pair.baseline.averageMs - 1) * 100 : null,
    };
    if (pair.candidate.type !== undefined) delta.type = pair.candidate.type;
    const text = note(pair);
    if (text) delta.note = text;
    deltas.push(delta);
  }
  return deltas.sort((a, b) => b.deltaMs - a.deltaMs).slice(0, limit);
}
