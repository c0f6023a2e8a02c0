import { createHash } from 'node:crypto';
import type { BaselineKey } from './schema.js';

/*
 * Identity of a BaselineKey: one definition, read by the store (file names, look-ups) and the gate
 * (which runs may be compared, and why not).
 */

/**
 * The fields of a BaselineKey in a fixed order. Changing this list (or the canonical form below)
 * changes every key id and file name: that is a store schema change (bump STORE_SCHEMA_VERSION and
 * add a migration that moves files).
 */
const KEY_FIELDS = ['batchSize', 'device', 'model', 'optionsHash', 'precision', 'runner', 'runtime'] as const;

/** Canonical JSON of a key: only the key's own fields, in sorted order, no whitespace. */
export function canonicalKeyJson(key: BaselineKey): string {
  const canonical: Record<string, unknown> = {};
  for (const field of KEY_FIELDS) canonical[field] = key[field];
  return JSON.stringify(canonical);
}

/** Short, stable identity of a key: the first 16 hex digits of the sha256 of its canonical JSON. */
export function keyId(key: BaselineKey): string {
  return createHash('sha256').update(canonicalKeyJson(key)).digest('hex').slice(0, 16);
}

export function sameKey(a: BaselineKey, b: BaselineKey): boolean {
  return canonicalKeyJson(a) === canonicalKeyJson(b);
}

const DESCRIBED_FIELDS = [
  'model',
  'precision',
  'batchSize',
  'device',
  'runtime',
  'optionsHash',
  'runner',
] as const satisfies ReadonlyArray<keyof BaselineKey>;

/** The key fields whose values differ, in a fixed, readable order. */
export function differingFields(a: BaselineKey, b: BaselineKey): Array<keyof BaselineKey> {
  return DESCRIBED_FIELDS.filter((field) => a[field] !== b[field]);
}

export const FIELD_LABELS: Record<keyof BaselineKey, string> = {
  model: 'model',
  precision: 'precision',
  batchSize: 'batch size',
  device: 'device',
  runtime: 'runtime',
  optionsHash: 'options hash',
  runner: 'runner',
};

/**
 * Human text naming what differs between two keys, e.g.
 * `device differs ("NVIDIA A10G" vs "NVIDIA L4"); runtime differs ("tensorrt 10.3" vs "tensorrt 10.4")`.
 * `a` is usually the stored baseline's key, `b` this run's. Returns `no difference` for equal keys.
 */
export function describeDifference(a: BaselineKey, b: BaselineKey): string {
  const fields = differingFields(a, b);
  if (fields.length === 0) return 'no difference';
  return fields
    .map(
      (field) =>
        `${FIELD_LABELS[field]} differs (${JSON.stringify(a[field])} vs ${JSON.stringify(b[field])})`,
    )
    .join('; ');
}

/** A total order on keys for stable listings: model, precision, batch size, then the environment. */
export function compareKeys(a: BaselineKey, b: BaselineKey): number {
  for (const field of DESCRIBED_FIELDS) {
    const x = a[field];
    const y = b[field];
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** Same model, precision and batch size: a baseline that could be compared were the environment the same. */
export function isSimilarKey(a: BaselineKey, b: BaselineKey): boolean {
  return a.model === b.model && a.precision === b.precision && a.batchSize === b.batchSize && !sameKey(a, b);
}
