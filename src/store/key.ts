import { keyId } from '../results/key.js';
import type { BaselineKey } from '../results/schema.js';

export {
  canonicalKeyJson,
  compareKeys,
  describeDifference,
  differingFields,
  isSimilarKey,
  keyId,
  sameKey,
} from '../results/key.js';

const SLUG_MAX = 48;
/** Names Windows refuses as file names, with or without an extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/;

/**
 * A file-name-safe rendering of an untrusted name: lowercase, only [a-z0-9._-], no leading or
 * trailing dots or dashes (so never `.`, `..` or a hidden file), at most 48 characters, never a
 * Windows device name, never empty. Not injective: the key id in the file name keeps keys apart.
 */
export function slug(name: string, maxLength = SLUG_MAX): string {
  const trim = (s: string) => s.replace(/^[.-]+/, '').replace(/[.-]+$/, '');
  let s = trim(
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-'),
  );
  s = trim(s.slice(0, maxLength));
  if (s === '') return 'unnamed';
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`.slice(0, maxLength);
  return s;
}

/**
 * Where a key's schema-1 file lives, relative to the namespace, with `/` separators:
 * `<device-slug>/<model-slug>/<precision>-b<batch>-<keyId>.json`; store schema 2 keeps the key in
 * the directory of the same name without `.json` (filesystem-store.ts). Every segment is a slug,
 * so the path can never leave the store root whatever the names are.
 */
export function keyPath(key: BaselineKey): string {
  return `${slug(key.device)}/${slug(key.model)}/${keyFileName(key)}`;
}

export function keyFileName(key: BaselineKey): string {
  return `${slug(key.precision, 16)}-b${key.batchSize}-${keyId(key)}.json`;
}

/** The part of a file name shared by every key with this model/precision/batch (see findSimilar). */
export function keyFilePrefix(key: Pick<BaselineKey, 'precision' | 'batchSize'>): string {
  return `${slug(key.precision, 16)}-b${key.batchSize}-`;
}
