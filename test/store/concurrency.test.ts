import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseStoreFile } from '../../src/store/file-format.js';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import { keyPath } from '../../src/store/key.js';
import { listTree, makeKey, makeTempDir } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = resolve(here, '../..');
const worker = join(here, 'fixtures', 'append-worker.ts');

let tmp: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: tmp, cleanup } = await makeTempDir());
});
afterEach(() => cleanup());

function waitFor(child: ChildProcess, text: string, output: { text: string }): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const check = () => {
      if (output.text.includes(text)) resolvePromise();
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      check();
      reject(new Error(`worker exited (${code}) before "${text}":\n${output.text}`));
    });
    check();
  });
}

it('lands every run when several processes append to the same keys at once', async () => {
  const root = join(tmp, 'baselines');
  const workers = 6;
  const runsEach = 4;
  const children = Array.from({ length: workers }, (_, w) => {
    const output = { text: '' };
    const child = spawn(process.execPath, ['--import', 'tsx', worker, root, String(w), String(runsEach)], {
      cwd: projectRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => (output.text += chunk));
    child.stderr.on('data', (chunk) => (output.text += chunk));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    return { child, output, exited };
  });

  await Promise.all(children.map(({ child, output }) => waitFor(child, 'ready', output)));
  for (const { child } of children) child.stdin?.end('go\n');
  const codes = await Promise.all(children.map((c) => c.exited));
  expect(codes, children.map((c) => c.output.text).join('\n')).toEqual(Array(workers).fill(0));

  const expected = Array.from(
    { length: workers * runsEach },
    (_, i) => `w${Math.floor(i / runsEach)}-r${i % runsEach}`,
  );
  const store = new FilesystemBaselineStore(root);
  for (const key of [makeKey(), makeKey({ model: 'mobilenet' })]) {
    const path = join(root, keyPath(key));
    const file = parseStoreFile(await readFile(path, 'utf8'), path); // valid on disk
    expect(file.runs.map((r) => r.runId).sort()).toEqual(expected.sort());
    // Each worker's runs are ordered by createdAt, so the file is ordered too.
    expect(file.runs.map((r) => r.createdAt)).toEqual(file.runs.map((r) => r.createdAt).sort());
    expect((await store.read(key))?.runs).toHaveLength(workers * runsEach);
  }
  // No lock directories or temp files left behind.
  expect((await listTree(root)).filter((p) => !p.endsWith('.json') && p.split('/').length > 2)).toEqual([]);
}, 120_000);
