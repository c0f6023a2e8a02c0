/**
 * `--exportOutput=<file>` (samples/common/sampleReporting.cpp, exportJSONOutput):
 *   [ { "name" : "prob"
 *     , "dimensions" : "1x1000"
 *     , "values" : [ 0.00012, nan, -nan, inf, ... ]
 *     }
 *   ]
 * Values are written with C++ `operator<<`, so non-finite floats appear as bare tokens that JSON.parse
 * rejects: `nan`, `-nan`, `inf`, `-inf` (glibc), `nan(ind)`/`-nan(ind)` (MSVC); `NaN`/`Infinity` are
 * accepted too. The text is tokenised (never evaluated) and each value read into a Float64Array. The
 * names are written unescaped by trtexec; standard JSON escapes are still decoded.
 */
import { DataError } from '../../../errors.js';
import { describe } from './numbers.js';

export interface OutputTensor {
  name: string;
  dims: number[];
  values: Float64Array;
  /** Count of NaN/±Inf values. */
  nonFinite: number;
}

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const WORD = /[+-]?[A-Za-z_][A-Za-z0-9_]*(?:\([A-Za-z0-9_]*\))?/y;

class Reader {
  pos = 0;
  constructor(
    readonly text: string,
    readonly source: string,
  ) {}

  fail(message: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const col = this.pos - before.lastIndexOf('\n');
    throw new DataError(`${this.source}: line ${line}, column ${col}: ${message}`, this.source);
  }

  skip(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  value(): Value {
    this.skip();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('unexpected end of file');
    if (c === '[') return this.array();
    if (c === '{') return this.object();
    if (c === '"') return this.string();
    NUMBER.lastIndex = this.pos;
    const num = NUMBER.exec(this.text);
    // A number must not run into a word: `-nan` starts like `-` but is a word.
    if (num && !/[A-Za-z_(]/.test(this.text[this.pos + num[0].length] ?? '')) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    WORD.lastIndex = this.pos;
    const word = WORD.exec(this.text);
    if (word) {
      this.pos += word[0].length;
      return wordValue(word[0]) ?? this.fail(`unexpected token ${JSON.stringify(word[0])}`);
    }
    return this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  expect(ch: string): void {
    this.skip();
    if (this.pos >= this.text.length) this.fail(`unexpected end of file (expected ${JSON.stringify(ch)})`);
    if (this.text[this.pos] !== ch) this.fail(`expected ${JSON.stringify(ch)}`);
    this.pos++;
  }

  /** True (and consumes it) when the next character is `ch`. */
  peek(ch: string): boolean {
    this.skip();
    if (this.text[this.pos] !== ch) return false;
    this.pos++;
    return true;
  }

  array(): Value[] {
    this.expect('[');
    const out: Value[] = [];
    if (this.peek(']')) return out;
    for (;;) {
      out.push(this.value());
      if (this.peek(']')) return out;
      this.expect(',');
    }
  }

  object(): { [key: string]: Value } {
    this.expect('{');
    const out: { [key: string]: Value } = {};
    if (this.peek('}')) return out;
    for (;;) {
      this.skip();
      const key = this.string();
      this.expect(':');
      out[key] = this.value();
      if (this.peek('}')) return out;
      this.expect(',');
    }
  }

  string(): string {
    if (this.text[this.pos] !== '"') this.fail('expected a string');
    let out = '';
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const ch = this.text[i]!;
      if (ch === '"') {
        this.pos = i + 1;
        return out;
      }
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const next = this.text[++i];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (next !== undefined && simple[next] !== undefined) out += simple[next];
      else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(i + 1, i + 5))) {
        out += String.fromCharCode(Number.parseInt(this.text.slice(i + 1, i + 5), 16));
        i += 4;
      } else out += `\\${next ?? ''}`; // trtexec does not escape names: keep a lone backslash as written
    }
    return this.fail('unterminated string');
  }
}

function wordValue(word: string): Value | undefined {
  if (/^[+-]?nan(?:\([A-Za-z0-9_]*\))?$/i.test(word)) return Number.NaN;
  const inf = /^([+-]?)inf(?:inity)?$/i.exec(word);
  if (inf) return inf[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (word === 'null') return null;
  return undefined;
}

export function parseExportOutput(text: string, source: string): OutputTensor[] {
  const reader = new Reader(text, source);
  const root = reader.value();
  reader.skip();
  if (reader.pos < text.length) reader.fail('unexpected text after the end of the output list');
  if (!Array.isArray(root)) {
    throw new DataError(
      `${source}: expected an array of outputs (trtexec --exportOutput), found ${describe(root)}`,
      source,
    );
  }
  return root.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new DataError(`${source}: output ${i}: expected an object, found ${describe(entry)}`, source);
    }
    const { name, dimensions, values } = entry;
    if (typeof name !== 'string')
      throw new DataError(`${source}: output ${i}: "name" must be a string`, source);
    const at = `${source}: output ${JSON.stringify(name)}`;
    const dims = parseDims(dimensions, at, source);
    if (!Array.isArray(values))
      throw new DataError(`${at}: "values" must be an array, found ${describe(values)}`, source);
    const out = new Float64Array(values.length);
    let nonFinite = 0;
    values.forEach((v, j) => {
      let n: number;
      if (typeof v === 'number') n = v;
      else if (typeof v === 'boolean') n = v ? 1 : 0;
      else throw new DataError(`${at}: values[${j}]: expected a number, found ${describe(v)}`, source);
      if (!Number.isFinite(n)) nonFinite++;
      out[j] = n;
    });
    const expected = dims.reduce((a, b) => a * b, 1);
    if (dims.length > 0 && expected !== values.length) {
      throw new DataError(
        `${at}: dimensions ${dims.join('x')} hold ${expected} values but the file lists ${values.length}`,
        source,
      );
    }
    return { name, dims, values: out, nonFinite };
  });
}

function parseDims(value: Value | undefined, at: string, source: string): number[] {
  if (Array.isArray(value) && value.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    return value as number[];
  }
  if (typeof value === 'string') {
    const t = value.trim();
    if (t === '' || t === 'scalar') return [];
    if (/^\d+(?:x\d+)*$/.test(t)) return t.split('x').map(Number);
  }
  throw new DataError(`${at}: "dimensions" must look like 1x1000, found ${describe(value)}`, source);
}
