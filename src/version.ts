import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** trt-gate's own version, from package.json (read once). */
export function toolVersion(): string {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    cached = pkg.version;
  }
  return cached;
}
