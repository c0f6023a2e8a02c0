/**
 * Case 11 (issue 10): names from a config, a model or a log cannot drive a terminal or change how
 * a report reads. One list of unsafe characters (src/util/untrusted.ts), neutralized per format.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeModel, float32Raw } from '../../examples/quickstart/models-src/builder.js';
import { main } from '../../src/cli/main.js';
import { colorsFor } from '../../src/cli/terminal.js';
import { buildRegistry } from '../../src/export/prometheus/metrics.js';
import { renderReport } from '../../src/report/render.js';
import { writeResults } from '../../src/results/io.js';
import { terminalWriter } from '../../src/util/untrusted.js';
import { latencyTrials, makeEntry, makeResults } from '../gate/helpers.js';
import { fakeIO } from '../helpers/fake-io.js';
import { tempDir, tinyConfigText, writeConfig } from '../helpers/tiny-config.js';

/** OSC title + BEL + clear screen + CSI as one C1 char + RTL override + CR overwrite. */
const EVIL = 'net\u001b]0;owned\u0007\u001b[2J\u009b31m\u202eevil\rOK';
/** Any character that acts rather than reads (in markup CR is a line break, which is allowed). */
const ACTIVE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const ACTIVE_IN_MARKUP = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/**
 * Terminal output minus what trt-gate itself emits on a TTY: colour sequences, and the progress
 * line's blanking (CR, spaces, CR) on stderr.
 */
const printed = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '').replace(/\r +\r/g, '');

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-rel-inject-'));
});
afterEach(async () => {
  await cleanup();
});

function evilResults(runId: string, median = 10) {
  const entry = makeEntry({
    key: { model: EVIL, device: `gpu ${EVIL}` },
    trials: latencyTrials({ seed: runId, samples: 200, median }),
  });
  return makeResults([entry], runId);
}

describe('case 11: terminal output', () => {
  it('baseline list and compare print escapes as visible text', async () => {
    const a = await writeResults(join(dir, 'a'), evilResults('a'));
    const b = await writeResults(join(dir, 'b'), evilResults('b', 30));
    const store = join(dir, 'store');
    expect(await main(['baseline', 'save', '--from', a, '--store', store], fakeIO({ cwd: dir }).io)).toBe(0);
    const list = fakeIO({ cwd: dir, isTTY: true });
    expect(await main(['baseline', 'list', '--store', store], list.io)).toBe(0);
    expect(list.stdout).toContain('net\\u001b]0;owned\\u0007');
    expect(printed(list.stdout)).not.toMatch(ACTIVE);
    const cmp = fakeIO({ cwd: dir, isTTY: true });
    await main(['compare', '--baseline', a, '--candidate', b, '-o', join(dir, 'cmp')], cmp.io);
    expect(cmp.stdout).toContain('\\u202eevil\\u000dOK');
    expect(printed(cmp.stdout + cmp.stderr)).not.toMatch(ACTIVE);
    const json = fakeIO({ cwd: dir });
    await main(['compare', '--json', '--baseline', a, '--candidate', b, '-o', join(dir, 'cmp')], json.io);
    expect(json.stdout).not.toMatch(ACTIVE);
    expect(JSON.parse(json.stdout).entries[0].model).toBe(EVIL); // still JSON, same value
  });

  it("run: ONNX Runtime's error quoting a node name with escapes prints neutralized", async () => {
    // A node whose name carries the sequences, and whose shapes ONNX Runtime refuses, quoting it.
    const model = join(dir, 'evil.onnx');
    await writeFile(
      model,
      encodeModel({
        name: 'g',
        inputs: [{ name: 'in', dtype: 'float', shape: [1, 4] }],
        outputs: [{ name: 'out', dtype: 'float', shape: [1, 4] }],
        initializers: [{ name: 'w', dims: [3], dtype: 'float', raw: float32Raw([1, 2, 3]) }],
        nodes: [{ op: 'Add', name: EVIL, inputs: ['in', 'w'], outputs: ['out'] }],
      }),
    );
    const config = await writeConfig(
      dir,
      tinyConfigText([{ name: 'evil', onnx: model, input: { name: 'in', shape: [1, 4] } }]),
    );
    const f = fakeIO({ cwd: dir, isTTY: true });
    const code = await main(['run', '-c', config, '-o', join(dir, 'out')], f.io);
    expect(code, f.stderr).toBe(3);
    expect(f.stdout).toContain('net\\u001b]0;owned\\u0007\\u001b[2J');
    expect(printed(f.stdout + f.stderr)).not.toMatch(ACTIVE);
  }, 60_000);

  it('import: a model name from the log prints neutralized by the one terminal guard', async () => {
    const log = readFileSync(
      join(import.meta.dirname, '..', 'fixtures', 'trtexec', 'synthetic-failure-unsupported-op.log'),
      'utf8',
    ).replaceAll('yolov4', `yolo${EVIL}`);
    await writeFile(join(dir, 'evil.log'), log);
    const f = fakeIO({ cwd: dir, isTTY: true });
    expect(await main(['import', 'trtexec', '--log', 'evil.log', '-o', 'out'], f.io), f.stderr).toBe(3);
    expect(f.stdout).toContain('net\\u001b]0;owned\\u0007\\u001b[2J');
    expect(printed(f.stdout + f.stderr)).not.toMatch(ACTIVE);
  });

  it('error messages quoting untrusted text are neutralized', async () => {
    const file = join(dir, `r${EVIL}.json`); // a file name is untrusted text too
    const f = fakeIO({ cwd: dir, isTTY: true });
    expect(await main(['report', '--from', file], f.io)).toBe(4);
    expect(f.stderr).toContain('\\u001b]0;owned');
    expect(printed(f.stderr)).not.toMatch(ACTIVE);
  });
});

describe('case 11: colour on a terminal passes only our own sequences', () => {
  /** Conceals the rest of the line, then paints it red: SGR sequences, which colour output uses too. */
  const SGR_EVIL = 'net\u001b[8mhidden\u001b[0m\u001b[31m';
  const rawSgr = (text: string) => text.match(/\u001b\[[0-9;]*m/g) ?? [];

  it('the terminal writer neutralizes an SGR sequence in text and keeps the ones our colours made', () => {
    const c = colorsFor({ isTTY: true } as NodeJS.WriteStream, {});
    let out = '';
    const write = terminalWriter(
      (t) => {
        out += t;
      },
      { colors: true, allowCr: false },
    );
    write(`${c.red('regressed')} ${SGR_EVIL} ${c.bold(c.green('ok'))}\n`);
    expect(out).toContain('\u001b[31mregressed\u001b[39m');
    expect(out).toContain('net\\u001b[8mhidden\\u001b[0m\\u001b[31m');
    expect(rawSgr(out)).toEqual([
      '\u001b[31m',
      '\u001b[39m',
      '\u001b[1m',
      '\u001b[32m',
      '\u001b[39m',
      '\u001b[22m',
    ]);
  });

  it('with colour off our marks are dropped and foreign sequences still neutralized', () => {
    const c = colorsFor({ isTTY: true } as NodeJS.WriteStream, {});
    let out = '';
    terminalWriter(
      (t) => {
        out += t;
      },
      { colors: false, allowCr: false },
    )(`${c.red('x')} ${SGR_EVIL}`);
    expect(out).toBe('x net\\u001b[8mhidden\\u001b[0m\\u001b[31m');
  });

  it('compare on a colour terminal: the model name cannot conceal or recolour lines', async () => {
    const named = (runId: string, median: number) =>
      makeResults(
        [
          makeEntry({
            key: { model: SGR_EVIL },
            trials: latencyTrials({ seed: runId, samples: 200, median }),
          }),
        ],
        runId,
      );
    const a = await writeResults(join(dir, 'a'), named('a', 10));
    const b = await writeResults(join(dir, 'b'), named('b', 30));
    const f = fakeIO({ cwd: dir, isTTY: true });
    await main(['compare', '--baseline', a, '--candidate', b, '-o', join(dir, 'cmp')], f.io);
    const out = f.stdout + f.stderr;
    expect(rawSgr(out).length).toBeGreaterThan(0); // colour is on: our own sequences pass
    expect(out).toContain('net\\u001b[8mhidden');
    expect(rawSgr(out)).not.toContain('\u001b[8m');
    expect(rawSgr(out)).not.toContain('\u001b[0m');
  });
});

describe('case 11: markup and labels', () => {
  const results = { ...evilResults('r') };
  results.entries[0]!.error = { stage: 'build', message: `node ${EVIL} failed` };

  it('report.html keeps no control or bidi characters', () => {
    expect(renderReport('html', results)).not.toMatch(ACTIVE_IN_MARKUP);
  });

  it('report.md keeps no C1 characters (nor any other control)', () => {
    expect(renderReport('md', results)).not.toMatch(ACTIVE_IN_MARKUP);
  });

  it('Prometheus label values keep none', async () => {
    const text = await buildRegistry([results]).metrics();
    expect(text).toContain('model="net\\\\u001b]0;owned');
    expect(text).not.toMatch(ACTIVE);
  });
});
