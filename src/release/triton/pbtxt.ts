import protobuf from 'protobufjs';

/**
 * Protobuf text format for config.pbtxt, both ways, driven by protobufjs reflection of the schema.
 * No maintained npm library parses text format (protobufjs and @bufbuild/protobuf read binary and
 * JSON only), so this is a small strict one: every field must exist in the schema, enums must name
 * a declared value, integers must be integers, a singular field may appear once. That is the check
 * the tests (and `release`, before it renames the repository into place) rely on.
 */

export class PbtxtError extends Error {}

type Value = string | number | boolean | PlainMessage | Value[];
export interface PlainMessage {
  [field: string]: Value | Record<string, Value>;
}

// ---------- writer ----------

function scalarText(field: protobuf.Field, value: unknown): string {
  if (field.resolvedType instanceof protobuf.Enum) {
    if (typeof value !== 'string' || !(value in field.resolvedType.values)) {
      throw new PbtxtError(`${field.name}: ${String(value)} is not a value of ${field.resolvedType.name}`);
    }
    return value;
  }
  if (field.type === 'string') return JSON.stringify(String(value));
  if (field.type === 'bool') return value ? 'true' : 'false';
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new PbtxtError(`${field.name}: expected a number`);
  return String(value);
}

function writeMessage(type: protobuf.Type, message: PlainMessage, indent: string): string[] {
  const lines: string[] = [];
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (value === undefined) continue;
    field.resolve();
    if (field instanceof protobuf.MapField) {
      for (const [key, v] of Object.entries(value as Record<string, Value>)) {
        lines.push(
          `${indent}${field.name} {`,
          `${indent}  key: ${JSON.stringify(key)}`,
          `${indent}  value: ${JSON.stringify(String(v))}`,
          `${indent}}`,
        );
      }
      continue;
    }
    const values = field.repeated ? (value as Value[]) : [value as Value];
    if (field.resolvedType instanceof protobuf.Type) {
      const sub = field.resolvedType;
      for (const v of values)
        lines.push(
          `${indent}${field.name} {`,
          ...writeMessage(sub, v as PlainMessage, `${indent}  `),
          `${indent}}`,
        );
    } else if (field.repeated) {
      lines.push(`${indent}${field.name}: [ ${values.map((v) => scalarText(field, v)).join(', ')} ]`);
    } else {
      lines.push(`${indent}${field.name}: ${scalarText(field, value)}`);
    }
  }
  for (const name of Object.keys(message)) {
    if (!type.fields[name]) throw new PbtxtError(`${type.name} has no field ${name}`);
  }
  return lines;
}

export function toPbtxt(type: protobuf.Type, message: PlainMessage): string {
  return `${writeMessage(type, message, '').join('\n')}\n`;
}

// ---------- parser ----------

interface Token {
  kind: 'ident' | 'string' | 'number' | 'punct';
  text: string;
  line: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if ('{}[]:,;<>'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, line });
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let out = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\n') throw new PbtxtError(`line ${line}: newline inside a string`);
        if (text[j] === '\\') {
          const e = text[j + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
          if (e === undefined || !(e in map))
            throw new PbtxtError(`line ${line}: unsupported escape \\${e ?? ''}`);
          out += map[e];
          j += 2;
        } else out += text[j++];
      }
      if (j >= text.length) throw new PbtxtError(`line ${line}: unterminated string`);
      tokens.push({ kind: 'string', text: out, line });
      i = j + 1;
    } else {
      const m = /^(-?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)|[A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
      if (!m) throw new PbtxtError(`line ${line}: unexpected character ${JSON.stringify(c)}`);
      tokens.push({ kind: /^[A-Za-z_]/.test(m[0]) ? 'ident' : 'number', text: m[0], line });
      i += m[0].length;
    }
  }
  return tokens;
}

const INTEGER_TYPES = new Set([
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
]);

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new PbtxtError('unexpected end of input');
    return t;
  }
  private accept(text: string): boolean {
    if (this.peek()?.kind === 'punct' && this.peek()?.text === text) {
      this.pos++;
      return true;
    }
    return false;
  }
  private expect(text: string): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== text)
      throw new PbtxtError(`line ${t.line}: expected "${text}", got "${t.text}"`);
  }

  message(type: protobuf.Type, close?: string): PlainMessage {
    const out: PlainMessage = {};
    for (;;) {
      const t = this.peek();
      if (!t) {
        if (close) throw new PbtxtError(`unexpected end of input: missing "${close}"`);
        return out;
      }
      if (close && this.accept(close)) return out;
      const name = this.next();
      if (name.kind !== 'ident')
        throw new PbtxtError(`line ${name.line}: expected a field name, got "${name.text}"`);
      const field = type.fields[name.text];
      if (!field) throw new PbtxtError(`line ${name.line}: ${type.name} has no field "${name.text}"`);
      field.resolve();
      this.field(type, field, out, name.line);
      this.accept(',') || this.accept(';');
    }
  }

  private field(type: protobuf.Type, field: protobuf.Field, out: PlainMessage, line: number): void {
    const isMessage = field.resolvedType instanceof protobuf.Type || field instanceof protobuf.MapField;
    const colon = this.accept(':');
    if (!colon && !isMessage) throw new PbtxtError(`line ${line}: expected ":" after ${field.name}`);
    const values: Value[] = [];
    if (this.accept('[')) {
      if (!field.repeated && !(field instanceof protobuf.MapField)) {
        throw new PbtxtError(`line ${line}: ${field.name} is not repeated: no [ ] list`);
      }
      if (!this.accept(']')) {
        do values.push(this.value(field, line));
        while (this.accept(','));
        this.expect(']');
      }
    } else values.push(this.value(field, line));

    if (field instanceof protobuf.MapField) {
      out[field.name] ??= {};
      const map = out[field.name] as Record<string, Value>;
      for (const entry of values as PlainMessage[]) {
        if (typeof entry.key !== 'string' || typeof entry.value !== 'string') {
          throw new PbtxtError(`line ${line}: ${field.name} entries need a string key and value`);
        }
        map[entry.key] = entry.value;
      }
    } else if (field.repeated) {
      out[field.name] = [...((out[field.name] as Value[] | undefined) ?? []), ...values];
    } else {
      if (out[field.name] !== undefined)
        throw new PbtxtError(`line ${line}: ${type.name}.${field.name} set twice`);
      out[field.name] = values[0]!;
    }
  }

  /** A message value opens with `{` or `<`; returns what closes it. */
  private openBrace(): '}' | '>' {
    if (this.accept('{')) return '}';
    this.expect('<');
    return '>';
  }

  private value(field: protobuf.Field, line: number): Value {
    if (field instanceof protobuf.MapField) {
      const open = this.openBrace();
      const entry = new protobuf.Type('MapEntry')
        .add(new protobuf.Field('key', 1, field.keyType))
        .add(new protobuf.Field('value', 2, field.type));
      return this.message(entry, open);
    }
    if (field.resolvedType instanceof protobuf.Type) {
      const open = this.openBrace();
      return this.message(field.resolvedType, open);
    }
    const t = this.next();
    if (field.resolvedType instanceof protobuf.Enum) {
      if (t.kind !== 'ident' || !(t.text in field.resolvedType.values)) {
        throw new PbtxtError(
          `line ${t.line}: ${field.name}: "${t.text}" is not a value of ${field.resolvedType.name}`,
        );
      }
      return t.text;
    }
    if (field.type === 'string' || field.type === 'bytes') {
      if (t.kind !== 'string')
        throw new PbtxtError(`line ${t.line}: ${field.name}: expected a quoted string, got ${t.text}`);
      let text = t.text;
      while (this.peek()?.kind === 'string') text += this.next().text; // adjacent strings concatenate
      return text;
    }
    if (field.type === 'bool') {
      if (t.kind !== 'ident' || (t.text !== 'true' && t.text !== 'false')) {
        throw new PbtxtError(`line ${t.line}: ${field.name}: expected true or false, got ${t.text}`);
      }
      return t.text === 'true';
    }
    if (t.kind !== 'number')
      throw new PbtxtError(`line ${t.line}: ${field.name}: expected a number, got ${t.text}`);
    const n = Number(t.text);
    if (INTEGER_TYPES.has(field.type)) {
      if (!/^-?\d+$/.test(t.text))
        throw new PbtxtError(`line ${t.line}: ${field.name}: expected an integer, got ${t.text}`);
      if (field.type.startsWith('uint') && n < 0)
        throw new PbtxtError(`line ${t.line}: ${field.name}: must not be negative`);
      if (field.type.endsWith('32') && Math.abs(n) > 2 ** 31)
        throw new PbtxtError(`line ${t.line}: ${field.name}: out of range`);
    }
    void line;
    return n;
  }
}

/** Parses protobuf text format against `type`; throws PbtxtError naming the line on any deviation. */
export function parsePbtxt(type: protobuf.Type, text: string): PlainMessage {
  return new Parser(tokenize(text)).message(type);
}
