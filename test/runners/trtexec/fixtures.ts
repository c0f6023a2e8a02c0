import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/trtexec/', import.meta.url));

export function fixture(name: string): string {
  return readFileSync(`${FIXTURE_DIR}${name}`, 'utf8');
}

/** Data files (not README / provenance notes). */
export function fixtureFiles(): string[] {
  return readdirSync(FIXTURE_DIR).filter((f) => !f.endsWith('.md') && !f.endsWith('.source.txt'));
}
