import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { type BaselineKey, type Entry, Results, type StatsSummary } from '../../src/results/schema.js';
import { summarize } from '../../src/stats/summary.js';
import { keyPath } from '../../src/store/key.js';

/** Statistics as trt-gate computes them (src/stats/summary.ts). */
export function makeStats(samples: number[]): StatsSummary {
  return summarize(samples);
}

export function makeKey(overrides: Partial<BaselineKey> = {}): BaselineKey {
  return {
    model: 'resnet18',
    precision: 'fp16',
    batchSize: 1,
    runner: 'onnxruntime',
    device: 'Intel(R) Xeon(R) CPU @ 2.20GHz',
    runtime: 'onnxruntime 1.30.0',
    optionsHash: 'abc123',
    ...overrides,
  };
}

export function makeEntry(
  overrides: Partial<Omit<Entry, 'key'>> & { key?: Partial<BaselineKey>; samples?: number[] } = {},
): Entry {
  const { key: keyOverrides, samples = [1.1, 1.2, 1.0, 1.3], ...rest } = overrides;
  const key = makeKey(keyOverrides);
  const stats = makeStats(samples);
  return {
    id: `${key.model}/${key.precision}/b${key.batchSize}`,
    model: key.model,
    precision: key.precision,
    batchSize: key.batchSize,
    status: 'ok',
    key,
    latency: {
      unit: 'ms',
      trials: [{ samples, stats, wallMs: samples.reduce((a, b) => a + b, 0) }],
      pooled: stats,
      source: 'session.run',
    },
    throughput: {
      inferencesPerSec: 1000 / stats.mean,
      itemsPerSec: (1000 / stats.mean) * (key.batchSize === 'unknown' ? 1 : key.batchSize),
    },
    incidents: [],
    ...rest,
  };
}

/** A Results document valid against the zod schema (parsed, so defaults are filled in). */
export function makeResults(
  options: { runId?: string; createdAt?: string; entries?: Entry[] } = {},
): Results {
  return Results.parse({
    schemaVersion: 1,
    tool: { name: 'trt-gate', version: '0.1.0' },
    runId: options.runId ?? 'run-1',
    createdAt: options.createdAt ?? '2025-01-01T00:00:00.000Z',
    source: { sha: 'deadbeef', ref: 'refs/heads/main', event: 'push' },
    environment: {
      runner: 'onnxruntime',
      os: { platform: 'linux', release: '6.1', arch: 'x64' },
      host: { cpuModel: 'Intel(R) Xeon(R) CPU @ 2.20GHz', cpuCores: 2, memoryBytes: 8e9 },
      node: 'v20.0.0',
      runtime: { name: 'onnxruntime', version: '1.30.0' },
      device: { kind: 'cpu', name: 'Intel(R) Xeon(R) CPU @ 2.20GHz' },
    },
    config: {},
    entries: options.entries ?? [makeEntry()],
  });
}

/** ISO time `i` minutes after a fixed epoch: run i is newer than run i-1. */
export function minute(i: number): string {
  return new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
}

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'trt-gate-store-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Every path under `dir` (files and directories), relative, sorted. */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/')).sort();
}

/** A schema-0 file: latency as one flat `samples` array with `stats`, no per-run `source`. */
export function v0Document(samples = [2, 4, 6]) {
  const { latency: _latency, ...entry } = makeEntry({ samples });
  return {
    schemaVersion: 0,
    key: entry.key,
    runs: [
      {
        runId: 'old-run',
        createdAt: '2024-06-01T00:00:00Z',
        entry: {
          ...entry,
          latency: { unit: 'ms', samples, stats: makeStats(samples), source: 'session.run' },
        },
      },
    ],
  };
}

/** A key's directory relative to the namespace (store schema 2). */
export function keyDirPath(key: BaselineKey): string {
  return keyPath(key).replace(/\.json$/, '');
}

/** Writes a schema-1 key file (one JSON document holding every run), as trt-gate wrote before schema 2. */
export async function writeSchema1(base: string, key: BaselineKey, runs: Results[]): Promise<string> {
  const path = join(base, ...keyPath(key).split('/'));
  await mkdir(dirname(path), { recursive: true });
  const doc = {
    schemaVersion: 1,
    key,
    runs: runs.map((r) => ({
      runId: r.runId,
      createdAt: r.createdAt,
      source: r.source,
      entry: r.entries.find((e) => keyPath(e.key) === keyPath(key))!,
    })),
  };
  await writeFile(path, `${JSON.stringify(doc, null, 2)}\n`);
  return path;
}

/** The run files' names of a key directory, oldest first. */
export async function runFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.run.gz')).sort();
}
