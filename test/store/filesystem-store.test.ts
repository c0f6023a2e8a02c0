import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import { keyId } from '../../src/store/key.js';
import { STORE_SCHEMA_VERSION } from '../../src/store/types.js';
import {
  keyDirPath,
  listTree,
  makeEntry,
  makeKey,
  makeResults,
  makeTempDir,
  minute,
  runFiles,
} from './helpers.js';

let tmp: string;
let cleanup: () => Promise<void>;
let root: string;
let store: FilesystemBaselineStore;

beforeEach(async () => {
  ({ dir: tmp, cleanup } = await makeTempDir());
  root = join(tmp, 'baselines');
  store = new FilesystemBaselineStore(root);
});
afterEach(() => cleanup());

const keyA = makeKey();
const keyB = makeKey({ model: 'mobilenet' });
const twoKeys = (runId: string, createdAt = minute(1)) =>
  makeResults({
    runId,
    createdAt,
    entries: [makeEntry({ id: 'a', key: keyA }), makeEntry({ id: 'b', key: keyB })],
  });
const dirA = () => join(root, keyDirPath(keyA));
const dirB = () => join(root, keyDirPath(keyB));

async function rejection(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

async function snapshot(dir: string): Promise<Map<string, Buffer | 'dir'>> {
  const out = new Map<string, Buffer | 'dir'>();
  for (const path of await listTree(dir)) {
    const full = join(dir, path);
    out.set(path, (await stat(full)).isDirectory() ? 'dir' : await readFile(full));
  }
  return out;
}

/** A run file's document, decompressed. */
interface RunDoc {
  schemaVersion: number;
  runId: string;
  entry: {
    latency: { trials: Array<{ count: number; samplesF32: string; samples?: unknown; stats: unknown }> };
  };
}
async function runDoc(path: string): Promise<RunDoc> {
  return JSON.parse(gunzipSync(await readFile(path)).toString('utf8'));
}

describe('FilesystemBaselineStore layout (store schema 2)', () => {
  it('writes one directory per key: key.json and one compressed file per run, no temp files', async () => {
    await store.append(twoKeys('r1'), { historySize: 5 });
    await store.append(twoKeys('r2', minute(2)), { historySize: 5 });
    const device = 'intel-r-xeon-r-cpu-2.20ghz';
    const tree = await listTree(root);
    const keyDir = `${device}/resnet18/fp16-b1-${keyId(keyA)}`;
    const files = tree.filter((p) => p.startsWith(`${device}/resnet18/`));
    expect(files).toHaveLength(5);
    expect(files[0]).toBe(keyDir);
    // <createdAt in ms, 15 digits>-<run id slug>-<16 hex digits of the run id's hash>.run.gz
    expect(files[1]).toMatch(new RegExp(`^${keyDir}/001735689660000-r1-[0-9a-f]{16}\\.run\\.gz$`));
    expect(files[2]).toMatch(new RegExp(`^${keyDir}/001735689720000-r2-[0-9a-f]{16}\\.run\\.gz$`));
    expect(files[3]).toBe(`${keyDir}/key.json`);
    expect(files[4]).toBe(`${keyDir}/summary.json.gz`);
    expect(tree.some((p) => p.split('/').pop()!.startsWith('.'))).toBe(false);
    const keyFile = JSON.parse(await readFile(join(dirA(), 'key.json'), 'utf8'));
    expect(keyFile).toEqual({ schemaVersion: STORE_SCHEMA_VERSION, key: keyA });
    const doc = await runDoc(join(dirA(), (await runFiles(dirA()))[0]!));
    expect(doc.schemaVersion).toBe(STORE_SCHEMA_VERSION);
    expect(doc.runId).toBe('r1');
    // Samples as float32 bytes, not JSON numbers.
    expect(doc.entry.latency.trials[0]).toMatchObject({ count: 4, samplesF32: expect.any(String) });
    expect(doc.entry.latency.trials[0]?.samples).toBeUndefined();
  });

  it('appending never rewrites an existing run file that keeps its samples', async () => {
    await store.append(twoKeys('r1'), { historySize: 5 });
    const [first] = await runFiles(dirA());
    const before = await readFile(join(dirA(), first!));
    await store.append(twoKeys('r2', minute(2)), { historySize: 5 });
    await store.append(twoKeys('r3', minute(3)), { historySize: 5 });
    expect(Buffer.compare(before, await readFile(join(dirA(), first!)))).toBe(0);
  });

  it('compacts a run that leaves the newest three, and deletes runs beyond historySize', async () => {
    for (const i of [1, 2, 3, 4, 5, 6]) await store.append(twoKeys(`r${i}`, minute(i)), { historySize: 5 });
    const names = await runFiles(dirA());
    expect(names.map((n) => n.split('-')[1])).toEqual(['r2', 'r3', 'r4', 'r5', 'r6']);
    const docs = await Promise.all(names.map((n) => runDoc(join(dirA(), n))));
    expect(docs.map((d) => d.entry.latency.trials[0]?.count)).toEqual([0, 0, 4, 4, 4]);
    expect(docs[0]!.entry.latency.trials[0]?.stats).toEqual(makeEntry().latency!.trials[0]!.stats);
  });

  it('resolves a relative root and describes itself', () => {
    expect(new FilesystemBaselineStore('rel/dir').description).toMatch(/^filesystem store at \/.*rel\/dir$/);
  });

  it('ignores stray files that are not store entries when listing', async () => {
    await store.append(makeResults(), { historySize: 5 });
    await writeFile(join(dirA(), '..', 'README.md'), 'notes');
    await writeFile(join(dirA(), 'notes.txt'), 'notes');
    await mkdir(join(root, '.git'), { recursive: true });
    await writeFile(join(root, 'top-level.json'), 'not a key file');
    expect(await store.list()).toEqual([keyA]);
    expect((await store.read(keyA))?.runs).toHaveLength(1);
  });
});

describe('read never writes', () => {
  it('creates nothing when the store does not exist', async () => {
    expect(await store.read(keyA)).toBeUndefined();
    expect(await store.list()).toEqual([]);
    expect(await store.findSimilar(keyA)).toEqual([]);
    expect(await listTree(tmp)).toEqual([]);
  });

  it('changes nothing in an existing store', async () => {
    await store.append(twoKeys('r1'), { historySize: 5 });
    const before = await snapshot(tmp);
    await store.read(keyA);
    await store.read(makeKey({ device: 'brand new device' }));
    await store.list();
    await store.findSimilar(makeKey({ device: 'other' }));
    expect(await snapshot(tmp)).toEqual(before);
  });
});

describe('corrupt and foreign files', () => {
  const runCorruptions: Array<[string, (valid: Buffer) => Buffer]> = [
    ['a truncated run file', (valid) => valid.subarray(0, Math.floor(valid.length / 2))],
    [
      'a run file of a wrong schema',
      (valid) => gzipSync(gunzipSync(valid).toString().replace('"status":"ok"', '"status":42')),
    ],
    ['an empty run file', () => Buffer.alloc(0)],
    [
      'a run file with bad samples',
      (valid) => gzipSync(gunzipSync(valid).toString().replace('"count":4', '"count":5')),
    ],
  ];

  it.each(runCorruptions)(
    'refuses %s on read: DataError naming it, exit 4, nothing written',
    async (_n, corrupt) => {
      await store.append(twoKeys('r0'), { historySize: 5 });
      const path = join(dirA(), (await runFiles(dirA()))[0]!);
      await writeFile(path, corrupt(await readFile(path)));
      const before = await snapshot(tmp);
      const error = await rejection(store.read(keyA));
      expect(error.message).toContain(path);
      expect(error.file).toBe(path);
      expect(error.exitCode).toBe(4);
      expect((await store.read(keyB))?.runs).toHaveLength(1);
      expect(await snapshot(tmp)).toEqual(before);
    },
  );

  it('refuses a corrupt key file on every operation; an append writes nothing at all', async () => {
    await store.append(twoKeys('r1'), { historySize: 5 });
    const path = join(dirA(), 'key.json');
    await writeFile(path, '{"schemaVersion": 2, "key": ');
    const before = await snapshot(tmp);
    const error = await rejection(store.append(twoKeys('r2', minute(2)), { historySize: 5 }));
    expect(error.message).toContain(path);
    expect(await snapshot(tmp)).toEqual(before); // keyB was not appended to either
    await expect(store.read(keyA)).rejects.toThrow(path);
    await expect(store.list()).rejects.toThrow(path);
    await expect(store.findSimilar(makeKey({ device: 'x' }))).rejects.toThrow(path);
    expect((await store.read(keyB))?.runs.map((r) => r.runId)).toEqual(['r1']);
  });

  it('names every corrupt key in one error', async () => {
    await store.append(twoKeys('r1'), { historySize: 5 });
    await writeFile(join(dirA(), 'key.json'), '{');
    await writeFile(join(dirB(), 'key.json'), '{');
    const error = await rejection(store.append(twoKeys('r2', minute(2)), { historySize: 5 }));
    expect(error.message).toContain('2 baseline keys cannot be appended to; nothing was written');
    expect(error.message).toContain(join(dirA(), 'key.json'));
    expect(error.message).toContain(join(dirB(), 'key.json'));
  });

  it('refuses files of a newer schema on read and append, and says to upgrade', async () => {
    await store.append(makeResults(), { historySize: 5 });
    const keyFile = join(dirA(), 'key.json');
    const newer = JSON.stringify({ schemaVersion: STORE_SCHEMA_VERSION + 1, key: keyA });
    await writeFile(keyFile, newer);
    await expect(store.read(keyA)).rejects.toThrow(/newer trt-gate .*upgrade trt-gate/);
    const error = await rejection(
      store.append(makeResults({ runId: 'r2', createdAt: minute(2) }), { historySize: 5 }),
    );
    expect(error.message).toMatch(/upgrade trt-gate/);
    expect(await readFile(keyFile, 'utf8')).toBe(newer);

    await writeFile(keyFile, JSON.stringify({ schemaVersion: STORE_SCHEMA_VERSION, key: keyA }));
    const run = join(dirA(), (await runFiles(dirA()))[0]!);
    const doc = await runDoc(run);
    await writeFile(run, gzipSync(JSON.stringify({ ...doc, schemaVersion: STORE_SCHEMA_VERSION + 1 })));
    await expect(store.read(keyA)).rejects.toThrow(/newer trt-gate \(store schema 3\); upgrade/);
  });

  it("refuses a key directory holding another key's baseline (moved by hand)", async () => {
    const other = makeKey({ device: 'AMD EPYC 7763' });
    await store.append(makeResults({ entries: [makeEntry({ key: other })] }), { historySize: 5 });
    await mkdir(dirA(), { recursive: true });
    await writeFile(join(dirA(), 'key.json'), await readFile(join(root, keyDirPath(other), 'key.json')));
    await expect(store.read(keyA)).rejects.toThrow(/another key \(device differs/);
    await expect(store.list()).rejects.toThrow(/belongs at/);
    await rejection(store.append(makeResults({ runId: 'r2' }), { historySize: 5 }));
  });

  it("refuses a run file of another key's run", async () => {
    const other = makeKey({ device: 'AMD EPYC 7763' });
    await store.append(makeResults({ entries: [makeEntry({ key: other })] }), { historySize: 5 });
    await store.append(makeResults({ runId: 'mine' }), { historySize: 5 });
    const [foreign] = await runFiles(join(root, keyDirPath(other)));
    await writeFile(join(dirA(), foreign!), await readFile(join(root, keyDirPath(other), foreign!)));
    await expect(store.read(keyA)).rejects.toThrow(/holds another key's run/);
  });

  it('refuses run files without a key file', async () => {
    await store.append(makeResults(), { historySize: 5 });
    const { unlink } = await import('node:fs/promises');
    await unlink(join(dirA(), 'key.json'));
    await expect(store.read(keyA)).rejects.toThrow(/key\.json: missing beside 1 run file/);
    await expect(store.list()).rejects.toThrow(/missing beside run files/);
  });
});

describe('links and wrong types are refused, never followed (issue 10, case 10)', () => {
  const secret = '\x1b]0;owned\x07SECRET-CONTENT-OUTSIDE-THE-STORE';

  it('a symlinked run file: read refuses it and never quotes what it points at', async () => {
    await store.append(makeResults(), { historySize: 5 });
    const outside = join(tmp, 'outside.txt');
    await writeFile(outside, secret);
    await symlink(outside, join(dirA(), '000001735689999999-evil-0123456789abcdef.run.gz'));
    const error = await rejection(store.read(keyA));
    expect(error.message).toMatch(/is a symbolic link; the baseline store refuses links/);
    expect(error.message).not.toContain('SECRET');
    expect(error.exitCode).toBe(4);
  });

  it('a symlinked key directory or key file: read, list and append refuse it', async () => {
    const elsewhere = new FilesystemBaselineStore(join(tmp, 'elsewhere'));
    await elsewhere.append(makeResults(), { historySize: 5 });
    await mkdir(join(dirA(), '..'), { recursive: true });
    await symlink(join(tmp, 'elsewhere', keyDirPath(keyA)), dirA());
    await expect(store.read(keyA)).rejects.toThrow(/symbolic link/);
    await expect(store.list()).rejects.toThrow(/symbolic link/);
    await rejection(store.append(makeResults({ runId: 'r2' }), { historySize: 5 }));
    // Nothing was written through the link.
    expect(await runFiles(join(tmp, 'elsewhere', keyDirPath(keyA)))).toHaveLength(1);
  });

  it('a symlinked schema-1 key file is refused and not quoted', async () => {
    const outside = join(tmp, 'outside.json');
    await writeFile(outside, secret);
    const path = join(root, `${keyDirPath(keyA)}.json`);
    await mkdir(join(path, '..'), { recursive: true });
    await symlink(outside, path);
    const error = await rejection(store.read(keyA));
    expect(error.message).toContain(path);
    expect(error.message).not.toContain('SECRET');
    await expect(store.list()).rejects.toThrow(/symbolic link/);
  });

  it('a directory where a schema-1 key file is expected is an error naming it, not an empty list', async () => {
    const path = join(root, `${keyDirPath(keyA)}.json`);
    await mkdir(path, { recursive: true });
    const error = await rejection(store.list());
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/expected a regular file/);
    await expect(store.read(keyA)).rejects.toThrow(/expected a regular file/);
  });

  it('a file where a key directory is expected, and a directory as key.json or run file, are errors', async () => {
    await mkdir(join(dirA(), '..'), { recursive: true });
    await writeFile(dirA(), 'x');
    await expect(store.list()).rejects.toThrow(/expected a directory/);
    await expect(store.read(keyA)).rejects.toThrow(dirA());

    const s2 = new FilesystemBaselineStore(join(tmp, 's2'));
    await mkdir(join(tmp, 's2', keyDirPath(keyA), 'key.json'), { recursive: true });
    await expect(s2.read(keyA)).rejects.toThrow(/key\.json: expected a regular file/);
    await expect(s2.list()).rejects.toThrow(/key\.json: expected a regular file/);

    const s3 = new FilesystemBaselineStore(join(tmp, 's3'));
    await s3.append(makeResults(), { historySize: 5 });
    await mkdir(join(tmp, 's3', keyDirPath(keyA), '000000000000001-x-0123456789abcdef.run.gz'));
    await expect(s3.read(keyA)).rejects.toThrow(/run\.gz: expected a regular file/);
  });

  it('a file where the store directory is expected: read and append fail naming it', async () => {
    await writeFile(root, 'a file where the store directory should be');
    await expect(store.read(keyA)).rejects.toThrow(root);
    await expect(store.list()).rejects.toThrow(root);
    const error = await rejection(store.append(makeResults(), { historySize: 5 }));
    expect(error.message).toContain(root);
    expect(await readFile(root, 'utf8')).toBe('a file where the store directory should be');
  });
});

describe('path traversal', () => {
  it.each(['../../etc', 'a/b', '..', '/abs/path', '..\\..\\win'])(
    'keeps a key named %j inside the store root',
    async (name) => {
      const nested = join(tmp, 'a', 'b', 'store');
      const s = new FilesystemBaselineStore(nested);
      const key = makeKey({ device: name, model: name, runtime: name, runner: name });
      await s.append(makeResults({ runId: name, entries: [makeEntry({ key })] }), { historySize: 5 });
      const tree = await listTree(tmp);
      expect(tree.every((p) => ['a', 'a/b', 'a/b/store'].includes(p) || p.startsWith('a/b/store/'))).toBe(
        true,
      );
      expect(tree.filter((p) => p.endsWith('/key.json'))).toHaveLength(1);
      expect(tree.filter((p) => p.endsWith('.run.gz'))).toHaveLength(1);
      expect((await s.read(key))?.runs.map((r) => r.runId)).toEqual([name]);
      expect(await s.list()).toEqual([key]);
    },
  );
});

describe('no lock', () => {
  it('concurrent appends within one process all land', async () => {
    const stores = Array.from({ length: 8 }, () => new FilesystemBaselineStore(root));
    await Promise.all(stores.map((s, i) => s.append(twoKeys(`p${i}`, minute(i)), { historySize: 100 })));
    for (const key of [keyA, keyB]) {
      expect((await store.read(key))?.runs.map((r) => r.runId).sort()).toEqual(
        Array.from({ length: 8 }, (_, i) => `p${i}`).sort(),
      );
    }
  });

  it('a lock directory left by an older trt-gate is ignored', async () => {
    await mkdir(join(root, `${keyDirPath(keyA)}.json.lock`), { recursive: true });
    await store.append(makeResults(), { historySize: 5 });
    expect((await store.read(keyA))?.runs).toHaveLength(1);
  });
});
