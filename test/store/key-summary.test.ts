import { copyFile, mkdir, readFile, rename, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import { decodeSummary, SUMMARY_FILE } from '../../src/store/key-summary.js';
import { storedRun } from '../../src/store/run-file.js';
import type { BaselineHistory } from '../../src/store/types.js';
import { keyDirPath, makeEntry, makeKey, makeResults, makeTempDir, minute, runFiles } from './helpers.js';

let root: string;
let cleanup: () => Promise<void>;
let store: FilesystemBaselineStore;
const key = makeKey();
const dir = () => join(root, keyDirPath(key));
const summaryPath = () => join(dir(), SUMMARY_FILE);

beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir());
  store = new FilesystemBaselineStore(root);
});
afterEach(() => cleanup());

/** Appends runs r<from>…r<to>, one a minute, each with its own samples. */
async function appendRuns(from: number, to: number, historySize = 30, target = store): Promise<void> {
  for (let i = from; i <= to; i++) {
    const samples = [1 + i / 100, 1.1 + i / 100, 0.9 + i / 100];
    const results = makeResults({ runId: `r${i}`, createdAt: minute(i), entries: [makeEntry({ samples })] });
    await target.append(results, { historySize });
  }
}

/** What the run files alone say: the history read with no summary present (the source of truth). */
async function fromRunFiles(samples: boolean): Promise<BaselineHistory | undefined> {
  const aside = `${summaryPath()}.aside`;
  await rename(summaryPath(), aside).catch(() => {});
  try {
    return await store.read(key, { samples });
  } finally {
    await rename(aside, summaryPath()).catch(() => {});
  }
}

async function summaryDoc(): Promise<{ runs: Array<{ file: string; runId: string; entry: unknown }> }> {
  return JSON.parse(gunzipSync(await readFile(summaryPath())).toString('utf8'));
}

const ids = (h: BaselineHistory | undefined) => h?.runs.map((r) => r.runId);

describe('key summary (a cache of the run files)', () => {
  it('is written by every append, covers exactly the run files, and holds no raw samples', async () => {
    await appendRuns(1, 7, 5);
    const names = await runFiles(dir());
    expect(names).toHaveLength(5); // historySize deleted r1, r2
    const doc = await summaryDoc();
    expect(doc.runs.map((r) => r.file)).toEqual(names);
    expect(doc.runs.map((r) => r.runId)).toEqual(['r3', 'r4', 'r5', 'r6', 'r7']);
    expect(JSON.stringify(doc)).not.toMatch(/"samples":\[[^\]]/);
  });

  it('gives the same history as the run files, with and without samples', async () => {
    await appendRuns(1, 8);
    for (const samples of [false, true]) {
      const cached = await store.read(key, { samples });
      expect(cached).toEqual(await fromRunFiles(samples));
    }
    const full = (await store.read(key))!;
    // Default: the newest three runs keep their samples (what the gate pools); the rest do not.
    expect(full.runs.map((r) => r.entry.latency!.trials[0]!.samples.length)).toEqual([
      0, 0, 0, 0, 0, 3, 3, 3,
    ]);
    const light = (await store.read(key, { samples: false }))!;
    expect(light.runs.map((r) => r.entry.latency!.trials[0]!.samples.length)).toEqual(Array(8).fill(0));
    expect(light.runs).toEqual(full.runs.map((r) => storedRun(r, false)));
  });

  it('serves covered runs from the summary, not from their run files', async () => {
    await appendRuns(1, 6);
    const [oldest] = await runFiles(dir());
    // The summary vouches for what the run file held when it was written: a later change to the
    // file is not seen until samples are asked for (outside the newest three, never).
    const expected = await store.read(key, { samples: false });
    await writeFile(join(dir(), oldest!), 'not gzip');
    expect(await store.read(key, { samples: false })).toEqual(expected);
    await unlink(summaryPath());
    await expect(store.read(key, { samples: false })).rejects.toThrow(/is not gzip-compressed JSON/);
  });

  it('reads the run files a stale summary does not cover (an older writer, a lost race)', async () => {
    await appendRuns(1, 3);
    await copyFile(summaryPath(), `${summaryPath()}.old`);
    await appendRuns(4, 6);
    await rename(`${summaryPath()}.old`, summaryPath()); // covers r1–r3 only
    expect(ids(await store.read(key, { samples: false }))).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(await store.read(key, { samples: false })).toEqual(await fromRunFiles(false));
    expect(await store.read(key)).toEqual(await fromRunFiles(true));
    // The next append brings it up to date.
    await appendRuns(7, 7);
    expect((await summaryDoc()).runs.map((r) => r.runId)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
  });

  it('drops a run the summary names whose file is gone', async () => {
    await appendRuns(1, 5);
    const names = await runFiles(dir());
    await unlink(join(dir(), names[1]!)); // r2, removed by hand or by a racing historySize deletion
    expect(ids(await store.read(key, { samples: false }))).toEqual(['r1', 'r3', 'r4', 'r5']);
    expect(ids(await store.read(key))).toEqual(['r1', 'r3', 'r4', 'r5']);
  });

  it('reads a run file added beside the summary (another writer, an older trt-gate)', async () => {
    await appendRuns(1, 4);
    const elsewhere = await makeTempDir();
    try {
      await appendRuns(5, 5, 30, new FilesystemBaselineStore(elsewhere.dir));
      const [extra] = await runFiles(join(elsewhere.dir, keyDirPath(key)));
      await copyFile(join(elsewhere.dir, keyDirPath(key), extra!), join(dir(), extra!));
    } finally {
      await elsewhere.cleanup();
    }
    expect(ids(await store.read(key, { samples: false }))).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(await store.read(key)).toEqual(await fromRunFiles(true));
  });

  it('leaves a run file renamed by hand out of the summary and reads it from its file', async () => {
    await appendRuns(1, 3);
    const [first] = await runFiles(dir());
    await rename(join(dir(), first!), join(dir(), 'renamed by hand.run.gz'));
    await appendRuns(4, 4);
    expect((await summaryDoc()).runs.map((r) => r.runId)).toEqual(['r2', 'r3', 'r4']);
    expect(ids(await store.read(key, { samples: false }))).toEqual(['r2', 'r3', 'r4', 'r1']);
  });

  it.each([
    ['garbage', () => Buffer.from('not a summary')],
    ['truncated gzip', (b: Buffer) => b.subarray(0, b.length >> 1)],
    [
      'a field of the wrong type',
      (b: Buffer) => edit(b, (d) => (d.runs[1].entry.latency.pooled.median = 'x')),
    ],
    ['another key', (b: Buffer) => edit(b, (d) => (d.key.model = 'other'))],
    ['a newer format', (b: Buffer) => edit(b, (d) => (d.summaryVersion = 99))],
    ['empty', () => Buffer.alloc(0)],
  ])('ignores a corrupt summary (%s): the run files are read, never fewer runs', async (_, corrupt) => {
    await appendRuns(1, 6);
    const expected = await fromRunFiles(false);
    await writeFile(summaryPath(), corrupt(await readFile(summaryPath())));
    expect(await store.read(key, { samples: false })).toEqual(expected);
    expect(ids(await store.read(key))).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    await appendRuns(7, 7); // and the next append rewrites it
    expect((await summaryDoc()).runs).toHaveLength(7);
    expect(await store.read(key, { samples: false })).toEqual(await fromRunFiles(false));
  });

  it('names the file and the field of a malformed summary', async () => {
    await appendRuns(1, 3);
    const bytes = edit(await readFile(summaryPath()), (d) => (d.runs[2].entry.latency.pooled.median = 'x'));
    expect(() => decodeSummary(bytes, summaryPath(), key)).toThrow(DataError);
    expect(() => decodeSummary(bytes, summaryPath(), key)).toThrow(
      new RegExp(
        `^${escapeRegExp(summaryPath())}: key summary does not match its format: runs\\.2\\.entry\\.latency\\.pooled\\.median: `,
      ),
    );
    const unsafe = edit(await readFile(summaryPath()), (d) => (d.runs[0].file = '../../escape.run.gz'));
    expect(() => decodeSummary(unsafe, summaryPath(), key)).toThrow(
      /runs\.0\.file: expected a run file name/,
    );
    const foreign = edit(await readFile(summaryPath()), (d) => (d.key.device = 'GPU'));
    expect(() => decodeSummary(foreign, summaryPath(), key)).toThrow(/key: not this directory's key/);
    // Packed trial statistics are checked like the rest of the entry.
    const cut = edit(await readFile(summaryPath()), (d) => (d.runs[1].trials = d.runs[1].trials.slice(0, 8)));
    expect(() => decodeSummary(cut, summaryPath(), key)).toThrow(
      /runs\.1\.trials: expected 11 float64 values per trial/,
    );
    const inf = edit(await readFile(summaryPath()), (d) => {
      const b = Buffer.from(d.runs[0].trials, 'base64');
      b.writeDoubleLE(Number.POSITIVE_INFINITY, 8 * 4); // the first trial's median
      d.runs[0].trials = b.toString('base64');
    });
    expect(() => decodeSummary(inf, summaryPath(), key)).toThrow(
      /runs\.0\.entry\.latency\.trials\.0\.stats\.median: /,
    );
  });

  it('refuses a summary that is a symbolic link or a directory, like every store entry', async () => {
    await appendRuns(1, 2);
    await unlink(summaryPath());
    await symlink(join(dir(), 'key.json'), summaryPath());
    await expect(store.read(key, { samples: false })).rejects.toThrow(/is a symbolic link/);
    await unlink(summaryPath());
    await mkdir(summaryPath());
    await expect(store.read(key, { samples: false })).rejects.toThrow(/expected a regular file/);
  });

  it('keeps the summary in step with historySize deletions and compaction', async () => {
    await appendRuns(1, 12, 4);
    const names = await runFiles(dir());
    const doc = await summaryDoc();
    expect(doc.runs.map((r) => r.file)).toEqual(names);
    expect(doc.runs.map((r) => r.runId)).toEqual(['r9', 'r10', 'r11', 'r12']);
    expect(await store.read(key)).toEqual(await fromRunFiles(true));
  });
});

/** A summary document as JSON gives it back: edited freely to corrupt it. */
// biome-ignore lint/suspicious/noExplicitAny: a test edits arbitrary fields of a parsed document
type Doc = any;

function edit(gz: Buffer, change: (doc: Doc) => void): Buffer {
  const doc = JSON.parse(gunzipSync(gz).toString('utf8'));
  change(doc);
  return gzipSync(JSON.stringify(doc));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
