import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incidentSteps } from '../../../src/report/playbooks.js';
import { verifyTimingCache } from '../../../src/runners/trtexec/timing-cache.js';
import { tempDir } from '../../helpers/tiny-config.js';
import { recordOutputs, runWithDouble, TINYCNN, trtexecConfig } from './double/pipeline.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-timing-cache-'));
  await recordOutputs(join(dir, 'outputs.json'));
});
afterEach(async () => {
  await cleanup();
});

// Every build reaches the timing cache: no engine cache, no accuracy or GPU sampling to slow it.
const config = trtexecConfig([TINYCNN], 'engineCache: false\nnvidiaSmi: false');
const timingOf = (run: Awaited<ReturnType<typeof runWithDouble>>) => {
  const entry = run.results.entries[0]!;
  return { timing: entry.build!.details.timingCache as Record<string, unknown>, incidents: entry.incidents };
};

describe('timing cache, recorded and verified (trtexec double)', () => {
  it('first build creates it; the same engine rebuilt hits it; a cache that lost its timings is a flagged miss', async () => {
    const first = timingOf(await runWithDouble(dir, config));
    expect(first.timing).toMatchObject({ status: 'created', before: null });
    expect(first.timing.savedBytes).toBe((first.timing.after as { bytes: number }).bytes);
    expect(first.incidents.filter((i) => i.kind === 'timing-cache-miss')).toEqual([]);
    const file = first.timing.file as string;

    const second = timingOf(await runWithDouble(dir, config));
    expect(second.timing).toMatchObject({
      status: 'hit',
      before: first.timing.after,
      after: first.timing.after,
    });
    expect(second.timing.loadedBytes).toBe((first.timing.after as { bytes: number }).bytes);
    expect(second.incidents.filter((i) => i.kind === 'timing-cache-miss')).toEqual([]);

    // Another cache put in its place (e.g. restored from another branch's CI cache): this engine's timings are not in it.
    writeFileSync(file, 'TRTEXEC-DOUBLE-TIMING-CACHE\nsomething-else\n');
    const third = await runWithDouble(dir, config);
    const missed = timingOf(third);
    expect(missed.timing.status).toBe('missed');
    const incident = missed.incidents.find((i) => i.kind === 'timing-cache-miss')!;
    expect(incident).toMatchObject({ stage: 'build', title: 'Timing cache missed' });
    expect(incident.message).toContain(file);
    expect(incident.nextSteps).toEqual([expect.stringMatching(/^Full trtexec log: /)]);
    expect(incidentSteps(incident).join(' ')).toContain('diff-engines');
    expect(third.results.entries[0]!.status).toBe('ok');
    expect(readFileSync(file, 'utf8')).toContain('something-else');
  });

  it('a cache trtexec could not read is flagged as not loaded', async () => {
    await runWithDouble(dir, config);
    const run = timingOf(await runWithDouble(dir, config, { TRTEXEC_DOUBLE_TIMING_CACHE: 'unreadable' }));
    expect(run.timing.status).toBe('not-loaded');
    expect(run.timing.note).toContain('trtexec could not read it');
    expect(run.incidents.map((i) => i.title)).toContain('Timing cache not loaded');
  });
});

describe('verifyTimingCache', () => {
  const state = (sha256: string, bytes: number) => ({ sha256, bytes });
  const log = (loaded?: number, saved?: number) =>
    [
      loaded !== undefined ? `[I] Loaded ${loaded} bytes of timing cache from /c/t.cache` : '',
      saved !== undefined ? `[I] Saved ${saved} bytes of timing cache to /c/t.cache` : '',
    ].join('\n');

  it('reads the log and the hashes', () => {
    expect(verifyTimingCache('/c', null, null, log(), false).status).toBe('not-saved');
    expect(verifyTimingCache('/c', null, state('a', 10), log(undefined, 10), false).status).toBe('created');
    expect(verifyTimingCache('/c', state('a', 10), state('a', 10), log(10, 10), true).status).toBe('hit');
    expect(verifyTimingCache('/c', state('a', 10), state('b', 10), log(10, 10), true).status).toBe(
      'rewritten',
    );
    expect(verifyTimingCache('/c', state('a', 10), state('b', 30), log(10, 30), false).status).toBe(
      'extended',
    );
    expect(verifyTimingCache('/c', state('a', 10), state('b', 30), log(10, 30), true).status).toBe('missed');
    // The file existed but the log never says it was loaded, or loaded another size: not loaded.
    expect(verifyTimingCache('/c', state('a', 10), state('a', 10), log(undefined, 10), true).status).toBe(
      'not-loaded',
    );
    expect(verifyTimingCache('/c', state('a', 10), state('b', 12), log(12, 12), true).note).toContain(
      'trtexec loaded 12 bytes but the file held 10',
    );
  });
});
