import { describe, expect, it } from 'vitest';
import { StderrProgress } from '../../src/cli/progress.js';
import { colorsFor } from '../../src/cli/terminal.js';
import type { RunEvent } from '../../src/pipeline/events.js';
import { Entry } from '../../src/results/schema.js';

const plain = colorsFor({ isTTY: false } as NodeJS.WriteStream, {});
const entry = Entry.parse({
  id: 'm/fp32/b1',
  model: 'm',
  precision: 'fp32',
  batchSize: 1,
  status: 'failed',
  key: {
    model: 'm',
    precision: 'fp32',
    batchSize: 1,
    runner: 'r',
    device: 'd',
    runtime: 'x',
    optionsHash: 'h',
  },
  incidents: [],
  error: { stage: 'build', message: 'boom' },
});
const events: RunEvent[] = [
  { type: 'entry-start', entryId: 'm/fp32/b1', index: 0, total: 1 },
  { type: 'stage', entryId: 'm/fp32/b1', stage: 'benchmark', message: 'trial 1/2' },
  { type: 'stage', entryId: 'm/fp32/b1', stage: 'benchmark', message: 'trial 2/2' },
  { type: 'entry-done', entry, index: 0, total: 1 },
];

function render(interactive: boolean): string {
  let out = '';
  const progress = new StderrProgress(
    plain,
    (t) => {
      out += t;
    },
    interactive,
  );
  for (const e of events) progress.onEvent(e);
  return out;
}

describe('StderrProgress', () => {
  it('gives every stage its own line in a log', () => {
    const out = render(false);
    expect(out.split('\n').filter(Boolean)).toEqual([
      '[1/1] m/fp32/b1',
      '      benchmark: trial 1/2',
      '      benchmark: trial 2/2',
      '      failed in build',
    ]);
    expect(out).not.toContain('\r');
  });

  it('rewrites the stage line in place on a terminal, without escape codes', () => {
    const out = render(true);
    expect(out.split('\n')).toHaveLength(3); // entry-start, the last stage cleared, entry-done
    expect(out).toContain('\r      benchmark: trial 2/2');
    expect(out).not.toContain('\u001b');
    // What stays visible: the header and the outcome; the stage line is blanked before it.
    expect(out.endsWith('      failed in build\n')).toBe(true);
  });
});
