import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import { keyId, keyPath } from '../../src/store/key.js';
import { STORE_SCHEMA_VERSION } from '../../src/store/types.js';
import { listTree, makeEntry, makeKey, makeResults, makeTempDir, minute, v0Document } from './helpers.js';

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

describe('FilesystemBaselineStore layout', () => {
  it('writes one JSON file per key at keyPath, and leaves no locks or temp files', async () => {
    await store.append(twoKeys('r1'), { historySize: 5 });
    expect(await listTree(root)).toEqual(
      [
        'intel-r-xeon-r-cpu-2.20ghz',
        'intel-r-xeon-r-cpu-2.20ghz/mobilenet',
        `intel-r-xeon-r-cpu-2.20ghz/mobilenet/fp16-b1-${keyId(keyB)}.json`,
        'intel-r-xeon-r-cpu-2.20ghz/resnet18',
        `intel-r-xeon-r-cpu-2.20ghz/resnet18/fp16-b1-${keyId(keyA)}.json`,
      ].sort(),
    );
    const doc = JSON.parse(await readFile(join(root, keyPath(keyA)), 'utf8'));
    expect(doc.schemaVersion).toBe(STORE_SCHEMA_VERSION);
    expect(doc.key).toEqual(keyA);
    expect(doc.runs).toHaveLength(1);
  });

  it('resolves a relative root and describes itself', () => {
    expect(new FilesystemBaselineStore('rel/dir').description).toMatch(/^filesystem store at \/.*rel\/dir$/);
  });

  it('ignores stray files and directories when listing', async () => {
    await store.append(makeResults(), { historySize: 5 });
    const dir = join(root, keyPath(keyA), '..');
    await writeFile(join(dir, 'README.md'), 'notes');
    await writeFile(join(dir, `${keyPath(keyA).split('/').pop()}.1234abcd`), '{"half":'); // a crashed temp file
    await mkdir(join(root, '.git'), { recursive: true });
    await writeFile(join(root, 'top-level.json'), 'not a key file');
    expect(await store.list()).toEqual([keyA]);
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
  const corruptions: Array<[string, (valid: string) => string]> = [
    ['truncated JSON', (valid) => valid.slice(0, Math.floor(valid.length / 2))],
    ['a wrong schema', (valid) => valid.replace('"status": "ok"', '"status": 42')],
    ['an empty file', () => ''],
  ];

  it.each(corruptions)(
    'refuses %s: DataError naming it, every byte unchanged, nothing else written',
    async (_n, corrupt) => {
      await store.append(makeResults({ runId: 'r0', entries: [makeEntry({ key: keyA })] }), {
        historySize: 5,
      });
      const path = join(root, keyPath(keyA));
      await writeFile(path, corrupt(await readFile(path, 'utf8')));
      const before = await snapshot(tmp);

      const error = await rejection(store.append(twoKeys('r1', minute(2)), { historySize: 5 }));
      expect(error.message).toContain(path);
      expect(error.file).toBe(path);
      expect(error.exitCode).toBe(4);
      // All or nothing: keyB (no file yet) was not written either, no locks/temp files/dirs are left.
      expect(await snapshot(tmp)).toEqual(before);
      expect(
        Buffer.compare((before.get(`baselines/${keyPath(keyA)}`) as Buffer)!, await readFile(path)),
      ).toBe(0);

      await expect(store.read(keyA)).rejects.toThrow(path);
      await expect(store.list()).rejects.toThrow(DataError);
      await expect(store.findSimilar(makeKey({ device: 'x' }))).rejects.toThrow(path);
      expect(await store.read(keyB)).toBeUndefined();
    },
  );

  it('leaves an existing healthy key unchanged when another target is corrupt', async () => {
    await store.append(twoKeys('r1'), { historySize: 5 });
    const pathA = join(root, keyPath(keyA));
    await writeFile(pathA, '{"schemaVersion": 1, "key": ');
    const before = await snapshot(tmp);
    await rejection(store.append(twoKeys('r2', minute(2)), { historySize: 5 }));
    expect(await snapshot(tmp)).toEqual(before);
    expect((await store.read(keyB))?.runs.map((r) => r.runId)).toEqual(['r1']);
  });

  it('names every corrupt file in one error', async () => {
    await store.append(twoKeys('r1'), { historySize: 5 });
    await writeFile(join(root, keyPath(keyA)), '{');
    await writeFile(join(root, keyPath(keyB)), '{');
    const error = await rejection(store.append(twoKeys('r2', minute(2)), { historySize: 5 }));
    expect(error.message).toContain('2 baseline files cannot be appended to; nothing was written');
    expect(error.message).toContain(join(root, keyPath(keyA)));
    expect(error.message).toContain(join(root, keyPath(keyB)));
  });

  it('refuses a file of a newer schema on read and append, and says to upgrade', async () => {
    await store.append(makeResults(), { historySize: 5 });
    const path = join(root, keyPath(keyA));
    const newer = (await readFile(path, 'utf8')).replace(
      `"schemaVersion": ${STORE_SCHEMA_VERSION}`,
      `"schemaVersion": ${STORE_SCHEMA_VERSION + 1}`,
    );
    await writeFile(path, newer);
    await expect(store.read(keyA)).rejects.toThrow(/newer trt-gate .*upgrade trt-gate/);
    const error = await rejection(
      store.append(makeResults({ runId: 'r2', createdAt: minute(2) }), { historySize: 5 }),
    );
    expect(error.message).toMatch(/upgrade trt-gate/);
    expect(await readFile(path, 'utf8')).toBe(newer);
  });

  it('reads a schema-0 file migrated, and rewrites it in the current schema on append', async () => {
    const path = join(root, keyPath(keyA));
    await mkdir(join(path, '..'), { recursive: true });
    const v0 = JSON.stringify(v0Document([2, 4, 6]));
    await writeFile(path, v0);

    const history = await store.read(keyA);
    expect(history?.runs[0]?.entry.latency?.trials[0]?.samples).toEqual([2, 4, 6]);
    expect(await readFile(path, 'utf8')).toBe(v0); // reading migrates in memory only

    await store.append(makeResults({ runId: 'new', createdAt: minute(1) }), { historySize: 5 });
    const doc = JSON.parse(await readFile(path, 'utf8'));
    expect(doc.schemaVersion).toBe(STORE_SCHEMA_VERSION);
    expect(doc.runs.map((r: { runId: string }) => r.runId)).toEqual(['old-run', 'new']);
    expect(doc.runs[0].entry.latency.trials[0].wallMs).toBe(12);
  });

  it("refuses a file holding another key's baseline (moved by hand)", async () => {
    const other = makeKey({ device: 'AMD EPYC 7763' });
    await store.append(makeResults({ entries: [makeEntry({ key: other })] }), { historySize: 5 });
    const target = join(root, keyPath(keyA));
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, await readFile(join(root, keyPath(other))));
    await expect(store.read(keyA)).rejects.toThrow(/another key \(device differs/);
    await expect(store.list()).rejects.toThrow(/belongs at/);
    await rejection(store.append(makeResults({ runId: 'r2' }), { historySize: 5 }));
  });
});

describe('path traversal', () => {
  it.each(['../../etc', 'a/b', '..', '/abs/path', '..\\..\\win'])(
    'keeps a key named %j inside the store root',
    async (name) => {
      const nested = join(tmp, 'a', 'b', 'store');
      const s = new FilesystemBaselineStore(nested);
      const key = makeKey({ device: name, model: name, runtime: name, runner: name });
      await s.append(makeResults({ entries: [makeEntry({ key })] }), { historySize: 5 });
      const tree = await listTree(tmp);
      expect(tree.every((p) => ['a', 'a/b', 'a/b/store'].includes(p) || p.startsWith('a/b/store/'))).toBe(
        true,
      );
      expect(tree.filter((p) => p.endsWith('.json'))).toHaveLength(1);
      expect((await s.read(key))?.key).toEqual(key);
      expect(await s.list()).toEqual([key]);
    },
  );
});

describe('locking', () => {
  it('takes over a stale lock left by a crashed writer', async () => {
    const path = join(root, keyPath(keyA));
    await mkdir(`${path}.lock`, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    await utimes(`${path}.lock`, old, old);
    const s = new FilesystemBaselineStore(root, { staleMs: 2_000, lockRetries: 3 });
    await s.append(makeResults(), { historySize: 5 });
    expect((await s.read(keyA))?.runs).toHaveLength(1);
    expect(await listTree(join(path, '..'))).toEqual([`fp16-b1-${keyId(keyA)}.json`]);
  });

  it('gives up on a lock held by a live writer with a DataError, writing nothing', async () => {
    const path = join(root, keyPath(keyA));
    await mkdir(`${path}.lock`, { recursive: true });
    const s = new FilesystemBaselineStore(root, { lockRetries: 2 });
    const error = await rejection(s.append(twoKeys('r1'), { historySize: 5 }));
    expect(error.message).toContain(`${path}: still locked by another writer`);
    expect((await listTree(root)).filter((p) => p.endsWith('.json'))).toEqual([]);
    expect((await listTree(root)).filter((p) => p.endsWith('.lock'))).toEqual([`${keyPath(keyA)}.lock`]);
  });

  it('serialises concurrent appends within one process', async () => {
    const stores = Array.from({ length: 8 }, () => new FilesystemBaselineStore(root));
    await Promise.all(stores.map((s, i) => s.append(twoKeys(`p${i}`, minute(i)), { historySize: 100 })));
    for (const key of [keyA, keyB]) {
      expect((await store.read(key))?.runs.map((r) => r.runId).sort()).toEqual(
        Array.from({ length: 8 }, (_, i) => `p${i}`).sort(),
      );
    }
  });
});

describe('unwritable store', () => {
  it('turns an I/O failure into a DataError naming the path', async () => {
    await writeFile(root, 'a file where the store directory should be');
    expect(await store.read(keyA)).toBeUndefined();
    const error = await rejection(store.append(makeResults(), { historySize: 5 }));
    expect(error.message).toContain(root);
    expect(await readFile(root, 'utf8')).toBe('a file where the store directory should be');
  });
});
