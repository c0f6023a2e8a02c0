import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CalibrationConfig, InputSpec, ModelConfig } from '../config/schema.js';
import type { TensorSet } from '../inputs/tensor.js';
import { toFloat64 } from '../inputs/tensor.js';
import { loadValidationSet } from '../inputs/validation.js';
import { loadOnnxRuntime } from '../runners/onnxruntime/ort.js';
import { fromOrtOutputs, toOrtFeeds } from '../runners/onnxruntime/tensors.js';
import { writeFileAtomically, writeJsonAtomically } from '../util/atomic-write.js';
import { sha256File, sha256Json } from '../util/hash.js';
import { outlineModel, withOutputs } from './mark-outputs.js';

/**
 * INT8 calibration caches for trtexec (`--calib`), made from the model's calibration (or
 * validation) set: every activation of the ONNX model is exposed as an output, run in ONNX
 * Runtime on the CPU over the set, and its largest magnitude becomes the tensor's scale
 * (amax / 127) in TensorRT's calibration cache text format (`TRT-<version>-EntropyCalibration2`,
 * then `tensor: <float32 scale bits in hex>` per line). These are min-max ranges, not entropy ones
 * (TensorRT reads the scales as given; entropy calibration would clip outliers). The cache is keyed
 * like the engine cache — sha256 of the ONNX file and of the calibration items, and the TensorRT
 * version — and a sidecar `<cache>.json` records that key, so a cache whose model or data changed
 * is called stale and remade. The onnxruntime runner has no use for it: there the int8 variant is
 * a QDQ model whose scales are in the file.
 */

export interface CalibrationInfo {
  path: string;
  /**
   * `made`: written this run; `reused`: its key matched; `regenerated`: it was stale; `as-is`: a
   * configured cache trt-gate did not make (no sidecar), used untouched.
   */
  status: 'made' | 'reused' | 'regenerated' | 'as-is';
  items: number;
  message: string;
}

interface Sidecar {
  key: string;
  onnxSha256: string;
  dataSha256: string;
  tensorrt: string;
  items: number;
  subset?: { seed: number; indices: number[] };
}

/** TensorRT's version code in cache headers: 8.6.1 → 8601, 10.3.0 → 100300. */
export function tensorrtVersionCode(version: string): number {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  return major < 10 ? major * 1000 + minor * 100 + patch : major * 10000 + minor * 100 + patch;
}

/** float32 bits of `scale` as 8 lower-case hex digits, as TensorRT writes them. */
export function scaleHex(scale: number): string {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, scale);
  return view.getUint32(0).toString(16).padStart(8, '0');
}

/** The cache text for per-tensor magnitudes (a zero range gets the smallest positive scale). */
export function calibrationCacheText(tensorrt: string, amax: ReadonlyMap<string, number>): string {
  const lines = [`TRT-${tensorrtVersionCode(tensorrt)}-EntropyCalibration2`];
  for (const [name, max] of amax) lines.push(`${name}: ${scaleHex(Math.max(max / 127, 1e-12))}`);
  return `${lines.join('\n')}\n`;
}

/** Largest |value| of every input and activation over the batches. */
async function measureRanges(onnxPath: string, batches: TensorSet[]): Promise<Map<string, number>> {
  const bytes = new Uint8Array(await readFile(onnxPath));
  const outline = outlineModel(bytes);
  const names = outline.activations.map((a) => a.tensor);
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(
    withOutputs(
      bytes,
      names.filter((n) => !outline.outputs.includes(n)),
    ),
    { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled', logSeverityLevel: 3 },
  );
  const amax = new Map<string, number>();
  const track = (name: string, values: Float64Array) => {
    let m = amax.get(name) ?? 0;
    for (const v of values) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    amax.set(name, m);
  };
  try {
    for (const feeds of batches) {
      for (const [name, t] of Object.entries(feeds)) track(name, toFloat64(t));
      const outputs = fromOrtOutputs(await session.run(toOrtFeeds(ort, feeds)));
      for (const name of names) if (outputs[name]) track(name, toFloat64(outputs[name]));
    }
  } finally {
    await session.release();
  }
  return amax;
}

function hashBatches(batches: TensorSet[]): string {
  const h = createHash('sha256');
  for (const feeds of batches) {
    for (const name of Object.keys(feeds).sort()) {
      const d = feeds[name]!.data;
      h.update(name);
      h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    }
  }
  return h.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function readSidecar(path: string): Promise<Sidecar | undefined> {
  try {
    return JSON.parse(await readFile(`${path}.json`, 'utf8')) as Sidecar;
  } catch {
    return undefined;
  }
}

function staleReason(old: Sidecar, now: Sidecar): string {
  const changed = [
    old.onnxSha256 !== now.onnxSha256 ? 'the model changed' : undefined,
    old.dataSha256 !== now.dataSha256 ? 'the calibration data changed' : undefined,
    old.tensorrt !== now.tensorrt ? `TensorRT ${old.tensorrt} → ${now.tensorrt}` : undefined,
  ].filter((s) => s !== undefined);
  return changed.join(', ') || 'its key differs';
}

export interface CalibrationRequest {
  model: ModelConfig;
  modelIndex: number;
  calibration: CalibrationConfig;
  /** The ONNX file the int8 engine is built from. */
  onnxPath: string;
  /** The inputs at the entry's batch size. */
  inputs: InputSpec[];
  batchSize: number;
  tensorrt: string;
  resolve: (path: string) => string;
  configFile: string;
  /** Where generated caches go when the model names no `calibrationCache` path. */
  workDir: string;
}

/** Makes, reuses or remakes the calibration cache for an int8 build, and says which. */
export async function calibrationCacheFor(req: CalibrationRequest): Promise<CalibrationInfo> {
  const data = req.calibration.data ?? req.model.validation?.data;
  if (!data) throw new Error('calibration needs `calibration.data` or `validation.data`');
  const set = await loadValidationSet({
    config: { data, labelsArray: 'labels', maxItems: req.calibration.maxItems, seed: req.calibration.seed },
    dataPath: req.resolve(data),
    inputs: req.inputs,
    batchSize: req.batchSize,
    where: { file: req.configFile, path: `models[${req.modelIndex}].calibration` },
  });
  const batches = Array.from({ length: set.batches }, (_, b) => set.batch(b));
  const facts = {
    onnxSha256: await sha256File(req.onnxPath),
    dataSha256: hashBatches(batches),
    tensorrt: req.tensorrt,
  };
  const key = sha256Json({ v: 1, ...facts }, 32);
  const sidecar: Sidecar = { key, ...facts, items: set.items, ...(set.subset ? { subset: set.subset } : {}) };
  const path = req.model.calibrationCache
    ? req.resolve(req.model.calibrationCache)
    : join(req.workDir, 'calibration', `${req.model.name}-${key}.cache`);
  const old = await readSidecar(path);
  if (!old && req.model.calibrationCache && (await exists(path))) {
    return {
      path,
      status: 'as-is',
      items: 0,
      message: `calibration cache ${path} was not made by trt-gate (no ${path}.json): used as is; whether it is stale cannot be told`,
    };
  }
  if (old?.key === key) {
    return { path, status: 'reused', items: set.items, message: `calibration cache ${path} is current` };
  }
  const text = calibrationCacheText(req.tensorrt, await measureRanges(req.onnxPath, batches));
  await writeFileAtomically(path, text);
  await writeJsonAtomically(`${path}.json`, sidecar);
  if (old) {
    return {
      path,
      status: 'regenerated',
      items: set.items,
      message: `calibration cache ${path} was stale (${staleReason(old, sidecar)}): remade from ${set.items} items`,
    };
  }
  return {
    path,
    status: 'made',
    items: set.items,
    message: `calibration cache made from ${set.items} items of ${set.source}`,
  };
}
