import type { BaselineKey } from '../results/schema.js';

/** Key fields that make two measurements incomparable, and how a reason names them. */
const FIELDS: ReadonlyArray<readonly [keyof BaselineKey, string]> = [
  ['device', 'device'],
  ['runtime', 'runtime'],
  ['optionsHash', 'build options'],
  ['runner', 'runner'],
  ['model', 'model'],
  ['precision', 'precision'],
  ['batchSize', 'batch size'],
];

/** One phrase per differing field, e.g. `baseline is from device "A100", this run is "H100"`. */
export function keyDifferences(baseline: BaselineKey, candidate: BaselineKey): string[] {
  const out: string[] = [];
  for (const [field, label] of FIELDS) {
    if (baseline[field] !== candidate[field]) {
      out.push(
        `baseline is from ${label} ${JSON.stringify(baseline[field])}, this run is ${JSON.stringify(candidate[field])}`,
      );
    }
  }
  return out;
}

export function sameKey(a: BaselineKey, b: BaselineKey): boolean {
  return FIELDS.every(([field]) => a[field] === b[field]);
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

/** A stable string id for a key, for maps. */
export function keyId(key: BaselineKey): string {
  return JSON.stringify(FIELDS.map(([field]) => key[field]));
}
