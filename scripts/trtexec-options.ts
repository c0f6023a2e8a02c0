/**
 * Lists the options a trtexec accepts, from either of the two texts that say so:
 *   npx tsx scripts/trtexec-options.ts help   <file>   # a real `trtexec --help` output
 *   npx tsx scripts/trtexec-options.ts source <file>   # NVIDIA/TensorRT samples/common/sampleOptions.cpp
 * and prints { options, deprecated } as JSON. How the fixtures in test/fixtures/trtexec-options/ were made,
 * and which copies were read, is in that folder's README.
 *
 * Source mode reads what trtexec's own parser consumes: every `"--name"` (or `"-h"`) literal passed as an
 * argument inside the parse() functions AllOptions::parse calls. SafeBuilderOptions/TaskInferenceOptions
 * belong to other tools and are skipped. A warning `"--name … deprecated …"` in those bodies marks the
 * option deprecated; "no effect"/"no-op" makes it a no-op, "use --x"/"by --x" names the replacement.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Deprecation {
  option: string;
  noop: boolean;
  replacement?: string;
}

export interface OptionList {
  options: string[];
  deprecated: Deprecation[];
}

const PARSERS = [
  'BaseModelOptions',
  'UffInput',
  'ModelOptions',
  'BuildOptions',
  'SystemOptions',
  'InferenceOptions',
  'ReportingOptions',
];

/** The bodies of the parse functions trtexec runs (up to the first closing brace at column 0). */
function parserBodies(source: string): string[] {
  const heads = [
    ...PARSERS.map((name) => `void ${name}::parse(Arguments& arguments)`),
    'bool parseHelp(Arguments& arguments)',
  ];
  const bodies: string[] = [];
  for (const head of heads) {
    const at = source.indexOf(head);
    if (at < 0) continue;
    const end = source.indexOf('\n}\n', at);
    bodies.push(source.slice(at, end < 0 ? undefined : end));
  }
  return bodies;
}

function deprecation(option: string, message: string): Deprecation {
  const replacement = /\b(?:use|by)\s+(--[A-Za-z][A-Za-z0-9]*)/i.exec(message)?.[1];
  return {
    option,
    noop: /no effect|no-op/i.test(message),
    ...(replacement && replacement !== option ? { replacement } : {}),
  };
}

export function optionsFromSource(source: string): OptionList {
  const options = new Set<string>();
  const deprecated = new Map<string, Deprecation>();
  for (const body of parserBodies(source)) {
    for (const m of body.matchAll(/[(,]\s*"(-{1,2}[A-Za-z][A-Za-z0-9]*)"\s*[,)]/g)) options.add(m[1]!);
    // A warning statement that starts by naming the option: `<< "--x flag has been deprecated …" …;`
    for (const m of body.matchAll(/"(--[A-Za-z][A-Za-z0-9]*)\b([^"]*deprecated[^;]*);/g)) {
      deprecated.set(m[1]!, deprecation(m[1]!, m[2]!));
    }
  }
  return finish(options, deprecated);
}

/** First lines of entries: two spaces, the option (and `, --alias`), then its description. */
export function optionsFromHelp(help: string): OptionList {
  const options = new Set<string>();
  const deprecated = new Map<string, Deprecation>();
  for (const line of help.split(/\r?\n/)) {
    const m =
      /^ {2}(-{1,2}[A-Za-z][A-Za-z0-9]*)(?:=\S*)?((?:, -{1,2}[A-Za-z][A-Za-z0-9]*)*)(?:\s+(.*))?$/.exec(line);
    if (!m) continue;
    const names = [
      m[1]!,
      ...(m[2] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ];
    for (const name of names) {
      options.add(name);
      const text = m[3] ?? '';
      if (/\[Deprecated\]/.test(text)) deprecated.set(name, deprecation(name, text));
    }
  }
  return finish(options, deprecated);
}

function finish(options: Set<string>, deprecated: Map<string, Deprecation>): OptionList {
  return {
    options: [...options].sort(),
    deprecated: [...deprecated.values()].sort((a, b) => a.option.localeCompare(b.option)),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [mode, file] = process.argv.slice(2);
  if ((mode !== 'help' && mode !== 'source') || !file) {
    process.stderr.write('usage: tsx scripts/trtexec-options.ts help|source <file>\n');
    process.exit(2);
  }
  const text = readFileSync(file, 'utf8');
  const list = mode === 'help' ? optionsFromHelp(text) : optionsFromSource(text);
  process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
}
