import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-catalogue.js';
import { main } from '../../src/cli/main.js';
import { colorsFor } from '../../src/cli/terminal.js';
import { Results } from '../../src/results/schema.js';
import { toolVersion } from '../../src/version.js';
import { fakeIO } from '../helpers/fake-io.js';
import {
  MLP,
  shippedModel,
  type TinyModel,
  tempDir,
  tinyConfigText,
  writeConfig,
  writeGarbageModel,
} from '../helpers/tiny-config.js';

const ESC = '\u001b[';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-cli-'));
});
afterEach(async () => {
  await cleanup();
});

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function readResultsFile(outDir: string): Promise<Results> {
  const parsed = Results.safeParse(JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8')));
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 5))).toBe(true);
  return parsed.data!;
}

describe('trt-gate CLI (in-process)', () => {
  it('--help prints usage and exits 0', async () => {
    const f = fakeIO({ cwd: dir });
    expect(await main(['--help'], f.io)).toBe(0);
    expect(f.stdout).toMatch(/Usage: trt-gate/);
    // Every command of the catalogue, listed without importing any of them.
    for (const name of Object.keys(COMMANDS)) expect(f.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(f.stdout).toMatch(/Exit codes: 0 ok/);
  });

  it('an unknown command is a usage error (exit 2)', async () => {
    const f = fakeIO({ cwd: dir });
    expect(await main(['nope'], f.io)).toBe(2);
    expect(f.stderr).toMatch(/unknown command 'nope'/);
  });

  it('help <command> loads that command and prints its options', async () => {
    const f = fakeIO({ cwd: dir });
    expect(await main(['help', 'report'], f.io)).toBe(0);
    expect(f.stdout).toMatch(/Usage: trt-gate report \[options\]/);
    expect(f.stdout).toMatch(/--from <results.json...>/);
  });

  it('run --help describes the run options and exits 0', async () => {
    const f = fakeIO({ cwd: dir });
    expect(await main(['run', '--help'], f.io)).toBe(0);
    for (const flag of ['--config', '--out', '--json', '--quiet', '--model', '--precision']) {
      expect(f.stdout).toContain(flag);
    }
  });

  it('--version prints the version and exits 0', async () => {
    const f = fakeIO({ cwd: dir });
    expect(await main(['--version'], f.io)).toBe(0);
    expect(f.stdout.trim()).toBe(toolVersion());
  });

  it('an unknown option exits 2 with a message on stderr', async () => {
    const f = fakeIO({ cwd: dir });
    expect(await main(['run', '--frobnicate'], f.io)).toBe(2);
    expect(f.stderr).toMatch(/unknown option '--frobnicate'/);
    expect(f.stdout).toBe('');
  });

  it('an unknown command exits 2', async () => {
    const f = fakeIO({ cwd: dir });
    expect(await main(['deploy'], f.io)).toBe(2);
    expect(f.stderr).toMatch(/unknown command 'deploy'/);
  });

  it('a bad config exits 2, names the file as the user passed it and each path, and writes no results', async () => {
    const text = tinyConfigText([MLP]).replace('shape: [1, 64]', 'shape: [1, -64], colour: red');
    await mkdir(join(dir, 'ci'), { recursive: true });
    await writeConfig(join(dir, 'ci'), text, 'x.yml');
    const out = join(dir, 'out');
    const f = fakeIO({ cwd: dir });
    expect(await main(['run', '-q', '--config', 'ci/x.yml', '--out', 'out'], f.io)).toBe(2);
    const lines = f.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch('trt-gate: ci/x.yml: models[0].inputs[0].shape[1]: ');
    expect(lines[1]).toBe('trt-gate: ci/x.yml: models[0].inputs[0]: unknown field "colour"');
    expect(f.stdout).toBe('');
    expect(await exists(join(out, 'results.json'))).toBe(false);
  });

  it('a config problem found by the runner names the file the user passed (exit 2)', async () => {
    const text = tinyConfigText([MLP]).replace(
      'interOpThreads: 1 }',
      "interOpThreads: 1, cpuAffinity: '4096' }",
    );
    await mkdir(join(dir, 'ci'), { recursive: true });
    await writeConfig(join(dir, 'ci'), text, 'trt-gate.yml');
    const f = fakeIO({ cwd: dir });
    expect(await main(['run', '-q', '--config', 'ci/trt-gate.yml', '--out', 'out'], f.io)).toBe(2);
    expect(f.stderr).toMatch(/^trt-gate: ci\/trt-gate\.yml: runner\.cpuAffinity: cannot pin to CPUs 4096/);
  });

  it('a missing config exits 2 and says so', async () => {
    const f = fakeIO({ cwd: dir });
    expect(await main(['run', '-q', '--out', 'out'], f.io)).toBe(2);
    expect(f.stderr).toContain('trt-gate: trt-gate.yml: cannot read config: file not found');
    expect(await exists(join(dir, 'out', 'results.json'))).toBe(false);
  });

  it('a good tiny config exits 0, writes valid results.json and prints a table', async () => {
    await writeConfig(dir, tinyConfigText([MLP]));
    const f = fakeIO({ cwd: dir });
    expect(await main(['run', '--out', 'out', '--sha', 'deadbeef', '--ref', 'main'], f.io)).toBe(0);
    const results = await readResultsFile(join(dir, 'out'));
    expect(results.entries.map((e) => [e.id, e.status])).toEqual([['mlp/fp32/b1', 'ok']]);
    expect(results.source).toEqual({ sha: 'deadbeef', ref: 'main' });
    expect(f.stdout).toMatch(/^trt-gate .* · onnxruntime · /);
    expect(f.stdout).toMatch(/\nmlp\s+fp32\s+1\s/);
    expect(f.stdout).toContain(`results: ${join(dir, 'out', 'results.json')}`);
    // Progress goes to stderr, never stdout.
    expect(f.stderr).toContain('[1/1] mlp/fp32/b1');
    expect(f.stdout).not.toContain('[1/1]');
  });

  it('--quiet prints no progress', async () => {
    await writeConfig(dir, tinyConfigText([MLP]));
    const f = fakeIO({ cwd: dir });
    expect(await main(['run', '-q', '--out', 'out'], f.io)).toBe(0);
    expect(f.stderr).toBe('');
  });

  it('--json prints only parseable JSON on stdout, equal to results.json', async () => {
    await writeConfig(dir, tinyConfigText([MLP]));
    const f = fakeIO({ cwd: dir });
    expect(await main(['run', '--json', '--out', 'out'], f.io)).toBe(0);
    const printed = JSON.parse(f.stdout);
    expect(Results.safeParse(printed).success).toBe(true);
    expect(printed).toEqual(await readResultsFile(join(dir, 'out')));
    expect(f.stderr).toBe('');
  });

  it('a broken model exits 3 and the other model is still in results.json', async () => {
    const broken: TinyModel = { ...MLP, name: 'broken', onnx: await writeGarbageModel(dir) };
    await writeConfig(dir, tinyConfigText([broken, MLP]));
    const f = fakeIO({ cwd: dir });
    expect(await main(['run', '-q', '--out', 'out'], f.io)).toBe(3);
    const results = await readResultsFile(join(dir, 'out'));
    expect(results.entries.map((e) => [e.id, e.status])).toEqual([
      ['broken/fp32/b1', 'failed'],
      ['mlp/fp32/b1', 'ok'],
    ]);
    expect(results.entries[0]!.incidents[0]!.kind).toBe('engine-build-failure');
    expect(f.stdout).toMatch(/failed \(build\)/);
    expect(f.stdout).toMatch(/✗ broken\/fp32\/b1: build failed: /);
  });

  it('--model and --precision select entries', async () => {
    const withInt8: TinyModel = {
      ...MLP,
      name: 'second',
      precisions: ['fp32', 'int8'],
      variants: { int8: shippedModel('mlp-int8.onnx') },
    };
    await writeConfig(dir, tinyConfigText([{ ...MLP, name: 'first' }, withInt8]));
    const f = fakeIO({ cwd: dir });
    expect(await main(['run', '-q', '--json', '--out', 'out', '--model', 'second'], f.io)).toBe(0);
    expect((JSON.parse(f.stdout) as Results).entries.map((e) => e.id)).toEqual([
      'second/fp32/b1',
      'second/int8/b1',
    ]);
    const g = fakeIO({ cwd: dir });
    expect(await main(['run', '-q', '--json', '--out', 'out2', '--precision', 'int8'], g.io)).toBe(0);
    expect((JSON.parse(g.stdout) as Results).entries.map((e) => e.id)).toEqual(['second/int8/b1']);
  });

  it('a --model or --precision that matches nothing exits 2 instead of passing an empty run', async () => {
    await writeConfig(dir, tinyConfigText([MLP]));
    const f = fakeIO({ cwd: dir });
    expect(await main(['run', '-q', '--out', 'out', '--model', 'mpl'], f.io)).toBe(2);
    expect(f.stderr).toContain('--model mpl: no such model');
    expect(await exists(join(dir, 'out', 'results.json'))).toBe(false);
    const g = fakeIO({ cwd: dir });
    expect(await main(['run', '-q', '--out', 'out', '--precision', 'int8'], g.io)).toBe(2);
    expect(g.stderr).toContain('--precision int8');
  });

  it('NO_COLOR=1 turns colour off even on a terminal', async () => {
    await writeConfig(dir, tinyConfigText([MLP]));
    const f = fakeIO({ cwd: dir, isTTY: true, env: { NO_COLOR: '1', TERM: 'xterm-256color' } });
    expect(await main(['run', '--out', 'out'], f.io)).toBe(0);
    expect(f.stdout).not.toContain(ESC);
    expect(f.stderr).not.toContain(ESC);
    expect(f.stdout).toContain('mlp');
    // Control: the same run on a terminal without NO_COLOR is coloured.
    const g = fakeIO({ cwd: dir, isTTY: true, env: { TERM: 'xterm-256color' } });
    expect(await main(['run', '--out', 'out'], g.io)).toBe(0);
    expect(g.stdout).toContain(ESC);
    expect(g.stderr).toContain(ESC);
  });

  it('schema prints the config JSON Schema', async () => {
    const f = fakeIO({ cwd: dir });
    expect(await main(['schema'], f.io)).toBe(0);
    const schema = JSON.parse(f.stdout) as { type: string; required: string[] };
    expect(schema.type).toBe('object');
    expect(schema.required).toContain('models');
  });
});

describe('colorsFor', () => {
  const tty = { isTTY: true } as unknown as NodeJS.WriteStream;
  const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;
  const coloured = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv) =>
    colorsFor(stream, env).red('x') !== 'x';

  it('colours a terminal, not a pipe', () => {
    expect(coloured(tty, {})).toBe(true);
    expect(coloured(pipe, {})).toBe(false);
  });

  it('respects NO_COLOR (any non-empty value) and TERM=dumb', () => {
    expect(coloured(tty, { NO_COLOR: '1' })).toBe(false);
    expect(coloured(tty, { NO_COLOR: 'yes' })).toBe(false);
    expect(coloured(tty, { NO_COLOR: '' })).toBe(true);
    expect(coloured(tty, { TERM: 'dumb' })).toBe(false);
  });

  it('FORCE_COLOR wins, except FORCE_COLOR=0', () => {
    expect(coloured(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(coloured(tty, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(coloured(pipe, { FORCE_COLOR: '0' })).toBe(false);
  });
});
