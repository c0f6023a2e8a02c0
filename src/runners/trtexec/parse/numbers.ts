import { DataError } from '../../../errors.js';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a finite decimal number printed by trtexec. Anything else (empty, `nan`, `inf`, `1.2.3`, `12ms`)
 * is a DataError naming what was being read: a measurement is never silently turned into 0 or NaN.
 */
export function strictNumber(token: string | undefined, what: string, where: string, file = where): number {
  const t = (token ?? '').trim();
  if (!DECIMAL.test(t)) {
    throw new DataError(`${where}: ${what}: expected a number, found ${JSON.stringify(t)}`, file);
  }
  const n = Number(t);
  if (!Number.isFinite(n)) {
    throw new DataError(`${where}: ${what}: number out of range: ${t}`, file);
  }
  return n;
}

/** A finite number from parsed JSON, else a DataError. */
export function jsonNumber(value: unknown, what: string, source: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DataError(`${source}: ${what}: expected a finite number, found ${describe(value)}`, source);
  }
  return value;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? 'an object' : String(value);
}

/** JSON.parse with a DataError that names the file instead of a bare SyntaxError. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError(`${source}: not valid JSON (${reason})`, source);
  }
}
