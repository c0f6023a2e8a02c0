import { differingFields, FIELD_LABELS } from '../results/key.js';
import type { BaselineKey } from '../results/schema.js';

export { keyId, sameKey } from '../results/key.js';

/** One phrase per differing field, e.g. `baseline is from device "A100", this run is "H100"`. */
export function keyDifferences(baseline: BaselineKey, candidate: BaselineKey): string[] {
  return differingFields(baseline, candidate).map(
    (field) =>
      `baseline is from ${FIELD_LABELS[field]} ${JSON.stringify(baseline[field])}, this run is ${JSON.stringify(candidate[field])}`,
  );
}

/**
 * Why no stored baseline applies, naming what differs from the closest stored key (fewest
 * differing fields); undefined when none of `keys` differs from `candidate`.
 */
export function mismatchReason(candidate: BaselineKey, keys: readonly BaselineKey[]): string | undefined {
  let best: string[] | undefined;
  let differing = 0;
  for (const key of keys) {
    const diffs = keyDifferences(key, candidate);
    if (diffs.length === 0) continue;
    differing++;
    if (!best || diffs.length < best.length) best = diffs;
  }
  if (!best) return undefined;
  const others =
    differing > 1 ? ` (closest of ${differing} stored baselines for this model/precision/batch)` : '';
  return `${best.join('; ')}${others}; not comparing across environments`;
}
