import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import { SUMMARY_FILE } from '../../src/store/key-summary.js';
import { storedRun } from '../../src/store/run-file.js';
import { keyDirPath, listTree, makeKey, makeResults, makeTempDir, runFiles } from './helpers.js';

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
    const history = (await store.read(key))!; // every run file valid on disk
    expect(history.runs.map((r) => r.runId).sort()).toEqual(expected.sort());
    expect(history.runs.map((r) => r.createdAt)).toEqual(history.runs.map((r) => r.createdAt).sort());
    expect(await runFiles(join(root, keyDirPath(key)))).toHaveLength(workers * runsEach);
    // Whichever writer's summary won the last rename, a read reconciles it with the listing.
    const light = (await store.read(key, { samples: false }))!;
    expect(light.runs).toEqual(history.runs.map((r) => storedRun(r, false)));
  }
  // One more append (no race) rewrites the summary to cover every run file.
  await store.append(makeResults({ runId: 'last', createdAt: '2030-01-01T00:00:00.000Z' }), {
    historySize: 100,
  });
  const dir = join(root, keyDirPath(makeKey()));
  const summary = JSON.parse(gunzipSync(await readFile(join(dir, SUMMARY_FILE))).toString('utf8'));
  expect(summary.runs.map((r: { file: string }) => r.file)).toEqual(await runFiles(dir));
  // No temp files left behind.
  expect((await listTree(root)).filter((p) => p.split('/').pop()!.startsWith('.'))).toEqual([]);
}, 120_000);
