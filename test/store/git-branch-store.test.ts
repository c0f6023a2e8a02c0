import { spawn } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError, UsageError } from '../../src/errors.js';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import {
  assertBranchName,
  GitBranchBaselineStore,
  type GitBranchStoreOptions,
  normaliseStorePath,
  redactUrl,
  tokenExtraHeader,
} from '../../src/store/git-branch-store.js';
import { keyPath } from '../../src/store/key.js';
import { namespacePath } from '../../src/store/namespace.js';
import { makeEntry, makeKey, makeResults, makeTempDir, minute, writeSchema1 } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = resolve(here, '../..');

let tmp: string;
let cleanup: () => Promise<void>;
let remote: string;
const stores: GitBranchBaselineStore[] = [];

async function git(args: string[], cwd = tmp): Promise<string> {
  const result = await execa('git', args, { cwd, env: { LC_ALL: 'C' } });
  return String(result.stdout).trim();
}

function open(options: Partial<GitBranchStoreOptions> = {}): GitBranchBaselineStore {
  const store = new GitBranchBaselineStore({ remote, tempRoot: tmp, backoffMs: 10, ...options });
  stores.push(store);
  return store;
}

/** The text of a file on the remote's data branch (undefined when absent). */
async function remoteFile(path: string, branch = 'trt-gate-data'): Promise<string | undefined> {
  const result = await execa('git', ['--git-dir', remote, 'show', `${branch}:${path}`], { reject: false });
  return result.exitCode === 0 ? String(result.stdout) : undefined;
}

/** Run ids stored for a key on the remote (store schema 2: one `<time>-<runId>-<hash>.run.gz` per run). */
async function remoteRunIds(key = makeKey(), path = 'baselines'): Promise<string[]> {
  const dir = `${path}/${keyPath(key).replace(/\.json$/, '')}/`;
  const result = await execa('git', ['--git-dir', remote, 'ls-tree', '--name-only', `trt-gate-data:${dir}`], {
    reject: false,
  });
  if (result.exitCode !== 0) return [];
  return String(result.stdout)
    .split('\n')
    .flatMap((name) => /^\d{15}-(.+)-[0-9a-f]{16}\.run\.gz$/.exec(name)?.[1] ?? []);
}

/** Run ids the key's summary.json.gz on the remote covers, in its order. */
async function remoteSummaryRunIds(key = makeKey(), path = 'baselines'): Promise<string[]> {
  const file = `${path}/${keyPath(key).replace(/\.json$/, '')}/summary.json.gz`;
  const result = await execa('git', ['--git-dir', remote, 'show', `trt-gate-data:${file}`], {
    encoding: 'buffer',
  });
  const doc = JSON.parse(gunzipSync(Buffer.from(result.stdout)).toString('utf8'));
  return doc.runs.map((r: { runId: string }) => r.runId);
}

/** Resolves once `condition` holds, checking every 10 ms: a wait on state, not on time. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 10));
}

beforeEach(async () => {
  ({ dir: tmp, cleanup } = await makeTempDir());
  remote = join(tmp, 'remote.git');
  await git(['init', '--quiet', '--bare', remote]);
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await cleanup();
});

describe('GitBranchBaselineStore', () => {
  it('reads nothing from a remote without the data branch, and never creates it on read', async () => {
    const store = open();
    expect(await store.read(makeKey())).toBeUndefined();
    expect(await store.list()).toEqual([]);
    expect(await store.findSimilar(makeKey())).toEqual([]);
    expect(await git(['--git-dir', remote, 'branch', '--list'])).toBe('');
  });

  it('creates the branch as an orphan on the first append, and other clones read it', async () => {
    const outcome = await open().append(makeResults({ runId: 'r1' }), { historySize: 10 });
    expect(outcome.written).toHaveLength(1);
    expect(await git(['--git-dir', remote, 'branch', '--list'])).toContain('trt-gate-data');
    // One root commit (no parent), committed as the bot via -c flags.
    const log = await git(['--git-dir', remote, 'log', '--format=%P|%an|%s', 'trt-gate-data']);
    expect(log.split('\n')).toHaveLength(1);
    expect(log).toMatch(/^\|github-actions\[bot\]\|trt-gate: append run r1 \(1 key\)$/);
    expect(await remoteRunIds()).toEqual(['r1']);

    const reader = open();
    expect((await reader.read(makeKey()))?.runs.map((r) => r.runId)).toEqual(['r1']);
    expect(await reader.list()).toEqual([makeKey()]);
  });

  it('appends on top of the existing branch history and keeps the configured path', async () => {
    await open({ path: 'data/heads/main' }).append(makeResults({ runId: 'r1', createdAt: minute(1) }), {
      historySize: 10,
    });
    await open({ path: 'data/heads/main' }).append(makeResults({ runId: 'r2', createdAt: minute(2) }), {
      historySize: 10,
    });
    expect(await remoteRunIds(makeKey(), 'data/heads/main')).toEqual(['r1', 'r2']);
    const commits = await git(['--git-dir', remote, 'log', '--format=%H %P', 'trt-gate-data']);
    expect(commits.split('\n').map((l) => l.split(' ').filter(Boolean).length)).toEqual([2, 1]);
    expect(await remoteFile(`baselines/${keyPath(makeKey())}`)).toBeUndefined();
  });

  it('bounds the stored history by historySize', async () => {
    const store = open();
    for (let i = 1; i <= 4; i++) {
      await store.append(makeResults({ runId: `r${i}`, createdAt: minute(i) }), { historySize: 2 });
    }
    expect(await remoteRunIds()).toEqual(['r3', 'r4']);
  });

  it('lands every append when several store instances race (re-fetch, re-apply, no force push)', async () => {
    await open().append(makeResults({ runId: 'seed', createdAt: minute(0) }), { historySize: 100 });
    // The pre-receive hook holds every push at a gate the test opens once all five writers have
    // pushed onto the same tip: one lands, the other four are rejected and must re-apply.
    const hook = join(remote, 'hooks', 'pre-receive');
    const arrived = join(tmp, 'arrived');
    const gate = join(tmp, 'gate');
    await mkdir(arrived);
    await writeFile(gate, '');
    await writeFile(
      hook,
      `#!/bin/sh\ncat >/dev/null\ntouch '${arrived}'/$$\nwhile [ -e '${gate}' ]; do sleep 0.01; done\n`,
    );
    await chmod(hook, 0o755);
    const writers = Array.from({ length: 5 }, () => open({ maxAttempts: 30 }));
    const appends = Promise.all(
      writers.map((store, w) =>
        store.append(
          makeResults({
            runId: `w${w}`,
            createdAt: minute(w + 1),
            entries: [makeEntry({ id: 'a' }), makeEntry({ id: 'b', key: makeKey({ model: 'mobilenet' }) })],
          }),
          { historySize: 100 },
        ),
      ),
    );
    await until(async () => (await readdir(arrived)).length === writers.length);
    await rm(gate);
    await appends;
    expect(writers.reduce((n, w) => n + w.rejectedPushes, 0)).toBeGreaterThanOrEqual(writers.length - 1);
    const expected = ['seed', 'w0', 'w1', 'w2', 'w3', 'w4'];
    expect((await remoteRunIds()).sort()).toEqual(expected);
    // Each append was re-applied on the tip it pushed to, its summary rebuilt there: it covers every run.
    expect(await remoteSummaryRunIds()).toEqual(expected);
    expect((await remoteRunIds(makeKey({ model: 'mobilenet' }))).sort()).toEqual(expected.slice(1));
    // Pushes really raced: some were rejected and their appends re-applied on the new tip.
    expect(writers.reduce((n, w) => n + w.rejectedPushes, 0)).toBeGreaterThan(0);
    // Linear history: one commit per append, nothing overwritten by a force push.
    const log = await git(['--git-dir', remote, 'log', '--format=%s', 'trt-gate-data']);
    expect(log.split('\n')).toHaveLength(6);
  }, 60_000);

  it('lands every append when separate processes race', async () => {
    const storeUrl = pathToFileURL(join(projectRoot, 'src/store/git-branch-store.ts')).href;
    const helpersUrl = pathToFileURL(join(here, 'helpers.ts')).href;
    const script = `
      const { GitBranchBaselineStore } = await import(${JSON.stringify(storeUrl)});
      const { makeResults, minute } = await import(${JSON.stringify(helpersUrl)});
      const [remote, tempRoot, worker] = process.argv.slice(-3);
      const store = new GitBranchBaselineStore({ remote, tempRoot, backoffMs: 10, maxAttempts: 30 });
      const runId = 'p' + worker;
      await store.append(makeResults({ runId, createdAt: minute(Number(worker)) }), { historySize: 100 });
      await store.close();
    `;
    const run = (worker: number) =>
      new Promise<{ code: number | null; output: string }>((done) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', script, '--', remote, tmp, String(worker)],
          { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let output = '';
        child.stdout.on('data', (c) => (output += c));
        child.stderr.on('data', (c) => (output += c));
        child.on('exit', (code) => done({ code, output }));
      });
    const results = await Promise.all([0, 1, 2, 3].map(run));
    expect(
      results.map((r) => r.code),
      results.map((r) => r.output).join('\n'),
    ).toEqual([0, 0, 0, 0]);
    expect((await remoteRunIds()).sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
  }, 90_000);

  it('reads every run after a merge of the data branch kept one side of a conflicting summary', async () => {
    await open().append(makeResults({ runId: 'r1', createdAt: minute(1) }), { historySize: 10 });
    // A diverged line of the data branch (a restored backup, a fork): it appends r3 beside r1...
    const work = join(tmp, 'work');
    await git(['clone', '--quiet', '--branch', 'trt-gate-data', remote, work]);
    const side = new FilesystemBaselineStore(join(work, 'baselines'));
    await side.append(makeResults({ runId: 'r3', createdAt: minute(3) }), { historySize: 10 });
    const id = ['-c', 'user.name=t', '-c', 'user.email=t@t'];
    await git(['add', '-A'], work);
    await git([...id, 'commit', '--quiet', '-m', 'side'], work);
    // ...while the store appended r2. Merging the two conflicts on the (binary) summary.
    await open().append(makeResults({ runId: 'r2', createdAt: minute(2) }), { historySize: 10 });
    await git(['fetch', '--quiet', 'origin'], work);
    const merge = await execa('git', [...id, 'merge', '--no-edit', 'origin/trt-gate-data'], {
      cwd: work,
      reject: false,
    });
    expect(merge.exitCode).not.toBe(0);
    expect(await git(['diff', '--name-only', '--diff-filter=U'], work)).toMatch(/summary\.json\.gz$/);
    // Resolved the way git leaves a binary conflict: our side's summary, which lacks r2.
    await git(['checkout', '--ours', '--', '.'], work);
    await git(['add', '-A'], work);
    await git([...id, 'commit', '--quiet', '--no-edit'], work);
    await git(['push', '--quiet', 'origin', 'HEAD:trt-gate-data'], work);
    expect((await remoteRunIds()).sort()).toEqual(['r1', 'r2', 'r3']);
    expect(await remoteSummaryRunIds()).toEqual(['r1', 'r3']);

    const store = open();
    for (const samples of [false, true]) {
      const history = await store.read(makeKey(), { samples });
      expect(history?.runs.map((r) => r.runId)).toEqual(['r1', 'r2', 'r3']);
    }
    await store.append(makeResults({ runId: 'r4', createdAt: minute(4) }), { historySize: 10 });
    expect(await remoteSummaryRunIds()).toEqual(['r1', 'r2', 'r3', 'r4']);
  });

  it('refuses to append over a corrupt file and never replaces it', async () => {
    await open().append(makeResults({ runId: 'r1', createdAt: minute(1) }), { historySize: 10 });
    // Corrupt the stored file with a commit of its own on the data branch.
    const work = join(tmp, 'work');
    await git(['clone', '--quiet', '--branch', 'trt-gate-data', remote, work]);
    await writeFile(
      join(
        work,
        'baselines',
        ...keyPath(makeKey())
          .replace(/\.json$/, '')
          .split('/'),
        'key.json',
      ),
      '{"schemaVersion": 2, "key": ',
    );
    await git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-am', 'corrupt'], work);
    await git(['push', '--quiet', 'origin', 'trt-gate-data'], work);
    const tip = await git(['--git-dir', remote, 'rev-parse', 'trt-gate-data']);

    const attempt = open().append(makeResults({ runId: 'r2', createdAt: minute(2) }), { historySize: 10 });
    await expect(attempt).rejects.toBeInstanceOf(DataError);
    await expect(attempt).rejects.toThrow(/not valid JSON/);
    expect(await git(['--git-dir', remote, 'rev-parse', 'trt-gate-data'])).toBe(tip);
    await expect(open().read(makeKey())).rejects.toBeInstanceOf(DataError);
  });

  it("migrates the CLI's old unnamespaced layout (baselines/<device>/…) into branches/main, in one pushed commit", async () => {
    const work = join(tmp, 'work');
    await git(['init', '--quiet', '--initial-branch', 'trt-gate-data', work]);
    const old = [1, 2].map((i) => makeResults({ runId: `cli-${i}`, createdAt: minute(i) }));
    await writeSchema1(join(work, 'baselines'), makeKey(), old);
    await git(['add', '-A'], work);
    await git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'old cli'], work);
    await git(['push', '--quiet', remote, 'trt-gate-data'], work);
    const legacyPath = `baselines/${keyPath(makeKey())}`;

    const main = namespacePath({ branch: 'main' });
    const store = open({ namespace: main });
    expect(await store.list()).toEqual([makeKey()]);
    expect((await store.read(makeKey()))?.runs.map((r) => r.runId)).toEqual(['cli-1', 'cli-2']);
    expect(await open({ namespace: namespacePath({ branch: 'dev' }) }).list()).toEqual([]);

    await store.append(makeResults({ runId: 'new', createdAt: minute(5) }), { historySize: 10 });
    expect(await remoteFile(legacyPath)).toBeUndefined();
    expect(await remoteRunIds(makeKey(), `baselines/${main}`)).toEqual(['cli-1', 'cli-2', 'new']);
    expect((await open({ namespace: main }).read(makeKey()))?.runs.map((r) => r.runId)).toEqual([
      'cli-1',
      'cli-2',
      'new',
    ]);
  });

  it('does not retry a push the remote refuses for another reason', async () => {
    const hook = join(remote, 'hooks', 'pre-receive');
    const calls = join(remote, 'pre-receive-calls');
    await writeFile(hook, `#!/bin/sh\necho push >> "${calls}"\necho "protected branch" >&2\nexit 1\n`);
    await chmod(hook, 0o755);
    const store = open({ backoffMs: 2000 });
    const attempt = store.append(makeResults(), { historySize: 10 });
    await expect(attempt).rejects.toThrow(/git push failed \(not retried\)/);
    // One push reached the remote: no second attempt, no backoff.
    expect((await readFile(calls, 'utf8')).trim().split('\n')).toEqual(['push']);
    expect(store.rejectedPushes).toBe(0);
    // The clone is back at the remote's state: the refused run is not readable.
    expect(await store.read(makeKey())).toBeUndefined();
  });

  it('skips the commit when nothing new is stored (idempotent per runId)', async () => {
    const store = open();
    await store.append(makeResults({ runId: 'r1' }), { historySize: 10 });
    const again = await store.append(makeResults({ runId: 'r1' }), { historySize: 10 });
    expect(again.written).toEqual([]);
    expect(again.skipped[0]?.reason).toMatch(/already stored/);
    const log = await git(['--git-dir', remote, 'log', '--format=%s', 'trt-gate-data']);
    expect(log.split('\n')).toHaveLength(1);
  });

  it('resolves a remote name in the given repository', async () => {
    const checkout = join(tmp, 'checkout');
    await git(['init', '--quiet', checkout]);
    await git(['remote', 'add', 'origin', remote], checkout);
    await open({ remote: 'origin', cwd: checkout }).append(makeResults({ runId: 'named' }), {
      historySize: 5,
    });
    expect(await remoteRunIds()).toEqual(['named']);
  });

  it('reports an unreachable remote as a DataError without the credentials in the URL', async () => {
    const store = open({ remote: 'https://user:secret@127.0.0.1:9/none.git' });
    const attempt = store.read(makeKey());
    await expect(attempt).rejects.toBeInstanceOf(DataError);
    await expect(attempt).rejects.not.toThrow(/secret/);
  });
});

describe('git-branch store helpers', () => {
  it('validates branch names and store paths', () => {
    expect(() => assertBranchName('trt-gate-data')).not.toThrow();
    expect(() => assertBranchName('data/v1')).not.toThrow();
    for (const bad of ['-x', '../x', 'a..b', 'a b', 'x.lock', '.hidden', 'a/.b', '']) {
      expect(() => assertBranchName(bad), bad).toThrow(UsageError);
    }
    expect(normaliseStorePath('./baselines/')).toBe('baselines');
    expect(normaliseStorePath('a/b/../c')).toBe('a/c');
    for (const bad of ['/abs', '..', '../up', 'a/../..', '.', '.git/x']) {
      expect(() => normaliseStorePath(bad), bad).toThrow(UsageError);
    }
  });

  it('redacts credentials and builds the checkout-style auth header', () => {
    expect(redactUrl('https://x-access-token:ghs_abc@github.com/o/r.git')).toBe(
      'https://***@github.com/o/r.git',
    );
    expect(redactUrl('/tmp/remote.git')).toBe('/tmp/remote.git');
    const header = tokenExtraHeader('https://github.com', 'ghs_abc');
    expect(Object.keys(header)).toEqual(['https://github.com/']);
    expect(header['https://github.com/']).toBe(
      `AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_abc').toString('base64')}`,
    );
  });
});
