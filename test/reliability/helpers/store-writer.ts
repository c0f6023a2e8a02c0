/**
 * A real writer process for the store reliability tests: appends one run (`runId`) to `keys` keys
 * of a filesystem or git-branch store, after "go" arrives on stdin (so a test can line writers up
 * and stop one with SIGSTOP in the middle of its append). Prints `ready`, then `done <rejected
 * pushes>`; exits non-zero on any failure.
 * Usage: node --import tsx store-writer.ts fs <root> <runId> <minute> <keys>
 *        node --import tsx store-writer.ts git <remote> <runId> <minute> <keys> <tempRoot>
 */
import { createInterface } from 'node:readline';
import { FilesystemBaselineStore } from '../../../src/store/filesystem-store.js';
import { GitBranchBaselineStore } from '../../../src/store/git-branch-store.js';
import type { BaselineStore } from '../../../src/store/types.js';
import { makeEntry, makeKey, makeResults, minute } from '../../store/helpers.js';

const [kind, where, runId, at, keys, tempRoot] = process.argv.slice(2);
if (!kind || !where || !runId || !at || !keys)
  throw new Error('usage: store-writer.ts fs|git <where> <runId> <minute> <keys> [tempRoot]');

const store: BaselineStore & { rejectedPushes?: number } =
  kind === 'git'
    ? new GitBranchBaselineStore({ remote: where, tempRoot, backoffMs: 20, maxAttempts: 40 })
    : new FilesystemBaselineStore(where);

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();

const entries = Array.from({ length: Number(keys) }, (_, i) =>
  makeEntry({ id: `m${i}`, key: makeKey({ model: `model-${i}` }), samples: [1, 1.1, 1.2, 0.9] }),
);
const outcome = await store.append(makeResults({ runId, createdAt: minute(Number(at)), entries }), {
  historySize: 100,
});
if (outcome.written.length !== entries.length)
  throw new Error(`${runId}: ${JSON.stringify(outcome.skipped)}`);
process.stdout.write(`done ${store.rejectedPushes ?? 0}\n`);
await store.close();
