/** The per-version trtexec option lists of test/fixtures/trtexec-options/ (see its README for the sources). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TrtVersion } from '../../../src/runners/trtexec/parse/version.js';

export const OPTION_LIST_DIR = fileURLToPath(new URL('../../fixtures/trtexec-options/', import.meta.url));

export interface Deprecated {
  kind: 'noop' | 'alias' | 'discouraged';
  replacement?: string;
  note: string;
}

export interface OptionListFixture {
  tensorrt: string;
  source: {
    repository: string;
    path: string;
    commit: string;
    url: string;
    pinned: boolean;
    evidence: string;
  };
  options: Record<string, string[]>;
  deprecated: Record<string, Deprecated>;
  values: Record<string, string[]>;
  semantics: { defaults: { dataTransfers: boolean; spinWait: boolean; cudaGraph: boolean } };
}

/** The versions the lists were written down for, with the patch release each stands for. */
export const LISTED: ReadonlyArray<[file: string, version: TrtVersion]> = [
  ['trt8.6.json', { major: 8, minor: 6, patch: 1, raw: '8.6.1' }],
  ['trt10.0.json', { major: 10, minor: 0, patch: 1, raw: '10.0.1' }],
  ['trt10.9.json', { major: 10, minor: 9, patch: 0, raw: '10.9.0' }],
  ['trt10.14.json', { major: 10, minor: 14, patch: 1, raw: '10.14.1' }],
  ['trt11.0.json', { major: 11, minor: 0, patch: 0, raw: '11.0.0' }],
];

export function optionList(file: string): OptionListFixture {
  return JSON.parse(readFileSync(`${OPTION_LIST_DIR}${file}`, 'utf8')) as OptionListFixture;
}

/** Every option the version's parser accepts, as `--name`. */
export function accepted(list: OptionListFixture): Set<string> {
  return new Set(Object.values(list.options).flat());
}
