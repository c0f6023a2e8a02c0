import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { type LoadedConfig, resolveFrom } from '../config/load.js';
import { DataError, ExitCode, TrtGateError } from '../errors.js';
import { onnxSignature } from '../onnx/signature.js';
import { type Entry, isKnownEntry, type KnownEntry, type Results } from '../results/schema.js';
import { sha256File } from '../util/hash.js';
import { batchingOf, type TritonModelPlan, tritonModelConfig } from './triton/model-config.js';
import { type PlainMessage, parsePbtxt, toPbtxt } from './triton/pbtxt.js';
import { ModelConfigType } from './triton/schema.js';

/** The candidate did not pass (or was never gated): nothing is released. */
export class ReleaseRefused extends TrtGateError {
  constructor(readonly reasons: readonly string[]) {
    super(`nothing released: ${reasons.join('; ')}`, ExitCode.gateFailed);
  }
}

export interface ReleasedModel {
  name: string;
  model: string;
  precision: string;
  platform: TritonModelPlan['platform'];
  config: PlainMessage;
  /** Repository-relative path → sha256. */
  files: Record<string, string>;
  entries: Array<{ entry: Entry; results: Results }>;
}

/** Comparison verdicts a released entry may have: anything else (regressed, inconclusive, …) blocks it. */
const RELEASABLE_VERDICTS: ReadonlySet<string> = new Set(['improved', 'unchanged']);

/**
 * Why these candidates cannot be released, every reason named; empty when they can. Only what
 * passed is released: every results file gated `pass`, every entry ok with its accuracy limits met,
 * and every comparison with production improved or unchanged (an inconclusive one blocks too).
 */
export function releaseBlockers(candidates: readonly Results[]): string[] {
  const reasons: string[] = [];
  if (candidates.length === 0) reasons.push('no candidate runs');
  for (const r of candidates) {
    const where = `run ${r.runId} (${r.environment.device.name})`;
    if (!r.gate) reasons.push(`${where} was not gated (no comparison with production)`);
    else if (r.gate.conclusion !== 'pass') {
      const why =
        r.gate.failing.length > 0
          ? ` (${r.gate.failing.join(', ')})`
          : r.gate.conclusion === 'neutral'
            ? ' (nothing compared: no production baseline for its entries)'
            : '';
      reasons.push(`${where}: the gate concluded ${r.gate.conclusion}${why}`);
    }
    for (const e of r.entries) {
      if (e.status !== 'ok') reasons.push(`${where}: ${e.id} failed`);
      else if (e.accuracy && !e.accuracy.passed) reasons.push(`${where}: ${e.id} missed its accuracy limits`);
      else if (!e.build) reasons.push(`${where}: ${e.id} has no engine recorded (nothing measured to ship)`);
    }
    for (const c of r.comparisons ?? []) {
      if (!RELEASABLE_VERDICTS.has(c.verdict) && !(r.gate?.failing ?? []).includes(c.entryId)) {
        reasons.push(`${where}: ${c.entryId} is ${c.verdict} against production`);
      }
    }
  }
  return reasons;
}

export function checkReleasable(candidates: readonly Results[], problems: readonly string[] = []): void {
  const reasons = [...problems, ...releaseBlockers(candidates)];
  if (reasons.length > 0) throw new ReleaseRefused(reasons);
}

function archKey(results: Results): string {
  const cc = results.environment.device.computeCapability;
  if (!cc)
    throw new DataError(
      `run ${results.runId}: no compute capability recorded for ${results.environment.device.name}`,
    );
  return cc;
}

/**
 * The measured artifact: at its recorded path, or (results downloaded from another job) by its
 * file name in one of `searchDirs`. Whichever is used must hash to what was measured.
 */
async function verifiedArtifact(
  entry: Entry,
  results: Results,
  searchDirs: readonly string[],
): Promise<string> {
  const build = entry.build;
  if (!build) throw new DataError(`${entry.id} (run ${results.runId}): no build recorded`);
  const candidates = [build.artifactPath, ...searchDirs.map((d) => join(d, basename(build.artifactPath)))];
  let changed: string | undefined;
  for (const path of candidates) {
    const actual = await sha256File(path).catch(() => undefined);
    if (actual === build.artifactSha256) return path;
    if (actual !== undefined)
      changed ??= `${path} changed since it was measured (sha256 ${actual}, results say ${build.artifactSha256})`;
  }
  throw new DataError(
    `${entry.id}: ${changed ?? `cannot read the engine ${build.artifactPath}${searchDirs.length ? ` (nor ${basename(build.artifactPath)} in ${searchDirs.join(', ')})` : ''}`}`,
    build.artifactPath,
  );
}

/**
 * Plans one Triton model per model × precision over the candidate runs (one run per GPU
 * architecture): TensorRT engines as `tensorrt_plan` with a cc_model_filenames map when there are
 * several architectures; ONNX Runtime's measured artifact (the graph it optimised and timed) as
 * `onnxruntime_onnx`.
 */
export async function planRelease(
  candidates: readonly Results[],
  loaded: LoadedConfig,
  searchDirs: readonly string[] = [],
): Promise<Array<ReleasedModel & { sources: Record<string, string> }>> {
  const groups = new Map<string, Array<{ entry: KnownEntry; results: Results }>>();
  for (const results of candidates) {
    for (const entry of results.entries) {
      // An imported run that did not show its precision or batch size is never released.
      if (!isKnownEntry(entry)) {
        throw new DataError(
          `${entry.id}: precision or batch size unknown (an imported log); cannot release it`,
        );
      }
      const key = `${entry.model}\u0000${entry.precision}`;
      const group = groups.get(key) ?? [];
      // One engine per run: the sweep's entry (first batch size) when there are several.
      if (!group.some((g) => g.results === results)) group.push({ entry, results });
      groups.set(key, group);
    }
  }
  const planned: Array<ReleasedModel & { sources: Record<string, string> }> = [];
  for (const group of groups.values()) {
    const { entry } = group[0]!;
    const modelIndex = loaded.config.models.findIndex((m) => m.name === entry.model);
    const model = loaded.config.models[modelIndex];
    if (!model) throw new DataError(`${entry.id}: model ${entry.model} is not in ${loaded.file}`);
    const runners = new Set(group.map((g) => g.entry.key.runner));
    if (runners.size !== 1)
      throw new DataError(
        `${entry.model}/${entry.precision}: runs from several runners (${[...runners].join(', ')})`,
      );
    const tensorrt = entry.key.runner === 'trtexec';
    const name = `${entry.model}_${entry.precision}`;
    const sources: Record<string, string> = {};
    const files: Record<string, string> = {};
    const byArch: Record<string, string> = {};
    for (const g of group) {
      const artifact = await verifiedArtifact(g.entry, g.results, searchDirs);
      const cc = tensorrt ? archKey(g.results) : 'any';
      const file = tensorrt ? `model_sm${cc.replace('.', '')}.plan` : 'model.onnx';
      if (sources[file] && g.entry.build!.artifactSha256 !== files[file]) {
        throw new DataError(
          `${name}: two different ${tensorrt ? `engines for compute capability ${cc}` : 'ONNX Runtime artifacts'} (runs ${group.map((x) => x.results.runId).join(', ')})`,
        );
      }
      sources[file] = artifact;
      files[file] = g.entry.build!.artifactSha256;
      byArch[cc] = file;
    }
    const onnx = resolveFrom(loaded.dir, model.variants[entry.precision] ?? model.onnx);
    const signature = await onnxSignature(onnx).catch((e: Error) => {
      throw new DataError(`${loaded.file}: models[${modelIndex}]: cannot read ${onnx}: ${e.message}`, onnx);
    });
    // Dimension 0 every input takes: its profile's range, or the batch a fixed-shape build was given.
    const engineBatch = tensorrt
      ? {
          min: Math.max(...model.inputs.map((i) => i.profile?.min[0] ?? entry.batchSize)),
          max: Math.min(...model.inputs.map((i) => i.profile?.max[0] ?? entry.batchSize)),
        }
      : undefined;
    const batching = batchingOf(entry, engineBatch?.max ?? Number.MAX_SAFE_INTEGER);
    const plan: TritonModelPlan = {
      name,
      platform: tensorrt ? 'tensorrt_plan' : 'onnxruntime_onnx',
      files: byArch,
      maxBatchSize: batching.max,
      preferredBatchSizes: batching.preferred,
      instances: batching.instances,
      instanceKind: tensorrt ? 'KIND_GPU' : 'KIND_CPU',
      ...(engineBatch ? { engineBatch } : {}),
    };
    const config = tritonModelConfig(plan, signature);
    planned.push({
      name,
      model: entry.model,
      precision: entry.precision,
      platform: plan.platform,
      config,
      files,
      entries: group,
      sources,
    });
  }
  return planned;
}

/**
 * Writes `<out>/model_repository/<name>/config.pbtxt`, `<name>/1/<engine files>` and
 * `<out>/SHA256SUMS` into a temporary directory, checks every config.pbtxt parses back to what was
 * meant and every copy hashes to what was measured, then renames it into place.
 */
export async function writeRepository(
  out: string,
  models: Awaited<ReturnType<typeof planRelease>>,
  extra: Record<string, string>,
): Promise<string[]> {
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${randomUUID()}`);
  const sums: string[] = [];
  try {
    for (const m of models) {
      const dir = join(tmp, 'model_repository', m.name);
      await mkdir(join(dir, '1'), { recursive: true });
      const text = toPbtxt(ModelConfigType, m.config);
      const back = parsePbtxt(ModelConfigType, text);
      if (JSON.stringify(back) !== JSON.stringify(m.config))
        throw new Error(`${m.name}/config.pbtxt does not parse back to its content`);
      await writeFile(join(dir, 'config.pbtxt'), text);
      for (const [file, source] of Object.entries(m.sources)) {
        const target = join(dir, '1', file);
        await copyFile(source, target);
        const sha = await sha256File(target);
        if (sha !== m.files[file])
          throw new DataError(`${target}: copy hashes to ${sha}, expected ${m.files[file]}`);
      }
    }
    for (const [file, text] of Object.entries(extra)) await writeFile(join(tmp, file), text);
    const listed = await listFiles(tmp);
    for (const path of listed) sums.push(`${await sha256File(join(tmp, path))}  ${path}`);
    await writeFile(join(tmp, 'SHA256SUMS'), `${sums.join('\n')}\n`);
    const old = `${tmp}.old`;
    const existed = await stat(out).then(
      () => true,
      () => false,
    );
    if (existed) await rename(out, old);
    await rename(tmp, out);
    if (existed) await rm(old, { recursive: true, force: true });
    return listed;
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

async function listFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, d.name);
    if (d.isDirectory()) out.push(...(await listFiles(root, path)));
    else out.push(relative(root, path));
  }
  return out.sort();
}
