/**
 * Case 9 (issue 10): a writer that stalls in the middle of an append (SIGSTOP, a VM pause, a hung
 * network file system) must not lose another writer's run. With the schema-1 store (one file per
 * key, read-modify-write under a lock that goes stale after 10 s) the other writer took the stale
 * lock, and the stalled one woke up and wrote back the state it had read: a run was gone, both
 * exited 0. The store now only ever adds files (one per run; the git-branch store pushes without
 * force and re-applies on a moved branch), so there is nothing to overwrite.
 *
 * Every writer here is a real child process (helpers/store-writer.ts); the stall is a real SIGSTOP
 * taken while the writer is part-way through its append (checked, not assumed).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import { GitBranchBaselineStore } from '../../src/store/git-branch-store.js';
import type { BaselineStore } from '../../src/store/types.js';
import { makeKey, makeTempDir } from '../store/helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = resolve(here, '../..');
const script = join(here, 'helpers', 'store-writer.ts');
const KEYS = 60;

let tmp: string;
let cleanup: () => Promise<void>;
const children: ChildProcess[] = [];
beforeEach(async () => {
  ({ dir: tmp, cleanup } = await makeTempDir());
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  }
  await cleanup();
});

interface Writer {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the output contains `text`; rejects if the process exits first. */
  waitFor(text: string): Promise<void>;
  exited: Promise<number | null>;
  go(): void;
}

function writer(args: string[]): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: projectRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk;
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    output: () => text,
    exited,
    go: () => child.stdin!.end('go\n'),
    waitFor: (wanted) =>
      new Promise((done, fail) => {
        const check = () => text.includes(wanted) && done();
        listeners.add(check);
        check();
        void exited.then((code) => fail(new Error(`writer exited (${code}) before "${wanted}":\n${text}`)));
      }),
  };
}

/** Polls `count` (a cheap directory listing) until it is positive; returns it. No fixed sleep. */
async function untilSome(count: () => Promise<number>, child: ChildProcess): Promise<number> {
  for (;;) {
    const n = await count();
    if (n > 0) return n;
    if (child.exitCode !== null) throw new Error('the writer finished before it could be stopped');
    await new Promise((r) => setImmediate(r));
  }
}

/** How many run files of `runId` are under `dir` (any depth). */
async function runFilesOf(dir: string, runId: string): Promise<number> {
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.run.gz') && n.includes(`-${runId}-`)).length;
}

async function expectEveryRun(store: BaselineStore, runIds: string[]): Promise<void> {
  for (let i = 0; i < KEYS; i++) {
    const runs = (await store.read(makeKey({ model: `model-${i}` })))?.runs.map((r) => r.runId) ?? [];
    expect(runs.sort(), `model-${i}`).toEqual([...runIds].sort());
  }
}

describe('case 9: a stalled writer cannot lose another writer’s run', () => {
  it('filesystem store: SIGSTOP mid-append, another process appends meanwhile, both runs land', async () => {
    const root = join(tmp, 'store');
    const a = writer(['fs', root, 'a-0', '1', String(KEYS)]);
    const b = writer(['fs', root, 'b-0', '2', String(KEYS)]);
    await Promise.all([a.waitFor('ready'), b.waitFor('ready')]);

    a.go();
    await untilSome(() => runFilesOf(root, 'a-0'), a.child);
    a.child.kill('SIGSTOP');
    const partial = await runFilesOf(root, 'a-0');
    expect(partial, 'stopped part-way through its append').toBeLessThan(KEYS);

    // The other writer neither waits for the stalled one (no lock to go stale) nor loses anything.
    b.go();
    expect(await b.exited, b.output()).toBe(0);
    expect(await runFilesOf(root, 'b-0')).toBe(KEYS);
    expect(await runFilesOf(root, 'a-0')).toBe(partial); // still stopped

    a.child.kill('SIGCONT');
    expect(await a.exited, a.output()).toBe(0);
    await expectEveryRun(new FilesystemBaselineStore(root), ['a-0', 'b-0']);
  }, 120_000);

  it('git-branch store: SIGSTOP after the clone is written, another process pushes, the stalled push is re-applied', async () => {
    const remote = join(tmp, 'remote.git');
    await execa('git', ['init', '--quiet', '--bare', remote]);
    const tempA = join(tmp, 'clones-a');
    const tempB = join(tmp, 'clones-b');
    await Promise.all([mkdir(tempA), mkdir(tempB)]);
    const a = writer(['git', remote, 'a-0', '1', String(KEYS), tempA]);
    const b = writer(['git', remote, 'b-0', '2', String(KEYS), tempB]);
    await Promise.all([a.waitFor('ready'), b.waitFor('ready')]);

    a.go();
    await untilSome(() => runFilesOf(tempA, 'a-0'), a.child);
    a.child.kill('SIGSTOP');

    b.go();
    expect(await b.exited, b.output()).toBe(0);

    a.child.kill('SIGCONT');
    expect(await a.exited, a.output()).toBe(0);
    // A's first push was refused because B moved the branch while A was stopped; A re-applied.
    expect(Number(/done (\d+)/.exec(a.output())?.[1])).toBeGreaterThan(0);
    const reader = new GitBranchBaselineStore({ remote, tempRoot: tmp });
    try {
      await expectEveryRun(reader, ['a-0', 'b-0']);
    } finally {
      await reader.close();
    }
  }, 180_000);
});

describe('N concurrent writer processes lose nothing', () => {
  const N = 4;

  it('filesystem store', async () => {
    const root = join(tmp, 'store');
    const writers = Array.from({ length: N }, (_, w) =>
      writer(['fs', root, `w-${w}`, String(w + 1), String(KEYS)]),
    );
    await Promise.all(writers.map((w) => w.waitFor('ready')));
    for (const w of writers) w.go();
    const codes = await Promise.all(writers.map((w) => w.exited));
    expect(codes, writers.map((w) => w.output()).join('\n')).toEqual(Array(N).fill(0));
    await expectEveryRun(
      new FilesystemBaselineStore(root),
      writers.map((_, w) => `w-${w}`),
    );
  }, 180_000);

  it('git-branch store on a local bare remote', async () => {
    const remote = join(tmp, 'remote.git');
    await execa('git', ['init', '--quiet', '--bare', remote]);
    const writers = await Promise.all(
      Array.from({ length: N }, async (_, w) => {
        const temp = join(tmp, `clones-${w}`);
        await mkdir(temp);
        return writer(['git', remote, `w-${w}`, String(w + 1), String(KEYS), temp]);
      }),
    );
    await Promise.all(writers.map((w) => w.waitFor('ready')));
    for (const w of writers) w.go();
    const codes = await Promise.all(writers.map((w) => w.exited));
    expect(codes, writers.map((w) => w.output()).join('\n')).toEqual(Array(N).fill(0));
    const reader = new GitBranchBaselineStore({ remote, tempRoot: tmp });
    try {
      await expectEveryRun(
        reader,
        writers.map((_, w) => `w-${w}`),
      );
    } finally {
      await reader.close();
    }
  }, 240_000);
});
