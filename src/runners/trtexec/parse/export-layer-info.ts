/**
 * `--exportLayerInfo=<file>` (IEngineInspector JSON).
 *
 * With `--profilingVerbosity=detailed` (the RTX 3090 fixture, TensorRT 10.x):
 *   { "Layers": [ { "Name", "LayerType", "Inputs": [{ "Name", "Dimensions", "Format/Datatype" }], "Outputs": [...],
 *                   "TacticName"?, "TacticValue", ...layer parameters } ], "Bindings": ["input_1", "predictions"] }
 * Without it (`layer_names_only`), "Layers" is a list of names.
 * TensorRT 11.x (Migration Guide, "Migrating IEngineInspector Usage from TensorRT 10.x to 11.x") replaces
 * "Bindings" with "I/O Tensors" (objects with "Name", "IOMode", "DataType", ...) and splits "Format/DataType"
 * into separate fields; both spellings are accepted.
 */
import { DataError } from '../../../errors.js';
import { describe, parseJsonText } from './numbers.js';

export interface TensorDesc {
  name: string;
  dimensions?: number[];
  /** The format text as printed, e.g. `Row major linear FP32` or `Channel major FP32 format`. */
  format?: string;
  /** A separate data type field (11.x), e.g. `Float`, `Half`. */
  dataType?: string;
}

export interface LayerInfoEntry {
  name: string;
  type?: string;
  /** Output data type in lower case (`fp32`, `fp16`, `bf16`, `int8`, `fp8`, `int32`...), where known. */
  precision?: string;
  /** TacticName when printed, else TacticValue. */
  tactic?: string;
  tacticValue?: string;
  inputs: TensorDesc[];
  outputs: TensorDesc[];
}

export interface ExportLayerInfo {
  /** False for the names-only form. */
  detailed: boolean;
  layers: LayerInfoEntry[];
  /** Engine I/O tensor names ("Bindings", or the names of "I/O Tensors" in 11.x). */
  bindings: string[];
}

/** Ordered: `UInt8` must not be read as `Int8`, `BFloat16` not as `Float`. */
const PRECISIONS: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:BF16|BFloat16)\b/i, 'bf16'],
  [/\bUInt8\b/i, 'uint8'],
  [/\b(?:FP32|Float|Float32)\b/i, 'fp32'],
  [/\b(?:FP16|Half|Float16)\b/i, 'fp16'],
  [/\bFP8\b|\bE4M3\b/i, 'fp8'],
  [/\bFP4\b|\bE2M1\b/i, 'fp4'],
  [/\bInt8\b/i, 'int8'],
  [/\bInt4\b/i, 'int4'],
  [/\bInt32\b/i, 'int32'],
  [/\bInt64\b/i, 'int64'],
  [/\bBool\b/i, 'bool'],
];

/** `Row major linear FP32` → `fp32`; `Half` → `fp16`; undefined when no type is named. */
export function precisionFromFormat(text: string | undefined): string | undefined {
  if (!text) return undefined;
  return PRECISIONS.find(([re]) => re.test(text))?.[1];
}

export function parseExportLayerInfo(text: string, source: string): ExportLayerInfo {
  const data = parseJsonText(text, source);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DataError(
      `${source}: expected a JSON object with "Layers" (trtexec --exportLayerInfo), found ${describe(data)}`,
      source,
    );
  }
  const obj = data as Record<string, unknown>;
  const rawLayers = obj.Layers;
  if (!Array.isArray(rawLayers)) {
    throw new DataError(`${source}: "Layers" must be an array, found ${describe(rawLayers)}`, source);
  }
  let detailed = false;
  const layers = rawLayers.map((layer, i): LayerInfoEntry => {
    if (typeof layer === 'string') return { name: layer, inputs: [], outputs: [] };
    if (typeof layer !== 'object' || layer === null || Array.isArray(layer)) {
      throw new DataError(
        `${source}: Layers[${i}]: expected a name or an object, found ${describe(layer)}`,
        source,
      );
    }
    const l = layer as Record<string, unknown>;
    if (typeof l.Name !== 'string') {
      throw new DataError(
        `${source}: Layers[${i}]: "Name" must be a string, found ${describe(l.Name)}`,
        source,
      );
    }
    if (typeof l.LayerType === 'string') detailed = true;
    const inputs = tensors(l.Inputs, `Layers[${i}].Inputs`, source);
    const outputs = tensors(l.Outputs, `Layers[${i}].Outputs`, source);
    const out0 = outputs[0];
    const precision = precisionFromFormat(out0?.dataType) ?? precisionFromFormat(out0?.format);
    const tacticValue = typeof l.TacticValue === 'string' ? l.TacticValue : undefined;
    const tactic = typeof l.TacticName === 'string' ? l.TacticName : tacticValue;
    return {
      name: l.Name,
      ...(typeof l.LayerType === 'string' ? { type: l.LayerType } : {}),
      ...(precision ? { precision } : {}),
      ...(tactic ? { tactic } : {}),
      ...(tacticValue ? { tacticValue } : {}),
      inputs,
      outputs,
    };
  });
  return { detailed, layers, bindings: bindingNames(obj, source) };
}

function tensors(value: unknown, where: string, source: string): TensorDesc[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new DataError(`${source}: ${where}: expected an array, found ${describe(value)}`, source);
  return value.map((t, j): TensorDesc => {
    if (typeof t !== 'object' || t === null || typeof (t as { Name?: unknown }).Name !== 'string') {
      throw new DataError(`${source}: ${where}[${j}]: expected an object with a "Name"`, source);
    }
    const r = t as Record<string, unknown>;
    const format = str(r['Format/Datatype']) ?? str(r['Format/DataType']) ?? str(r.Format);
    const dataType = str(r.DataType) ?? str(r.Datatype);
    const dims =
      Array.isArray(r.Dimensions) && r.Dimensions.every((d) => typeof d === 'number')
        ? r.Dimensions
        : undefined;
    return {
      name: r.Name as string,
      ...(dims ? { dimensions: dims as number[] } : {}),
      ...(format ? { format } : {}),
      ...(dataType ? { dataType } : {}),
    };
  });
}

function bindingNames(obj: Record<string, unknown>, source: string): string[] {
  const raw = obj.Bindings ?? obj['I/O Tensors'];
  if (raw === undefined) return [];
  if (!Array.isArray(raw))
    throw new DataError(`${source}: "Bindings" must be an array, found ${describe(raw)}`, source);
  return raw.map((b, i) => {
    if (typeof b === 'string') return b;
    if (typeof b === 'object' && b !== null && typeof (b as { Name?: unknown }).Name === 'string') {
      return (b as { Name: string }).Name;
    }
    throw new DataError(`${source}: Bindings[${i}]: expected a name, found ${describe(b)}`, source);
  });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
