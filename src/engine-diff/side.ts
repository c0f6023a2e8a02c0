/**
 * One engine as the diff sees it: its layers in execution order with what is known of each, from
 * `--exportLayerInfo` and/or `--exportProfile` files, or from the layer timings stored in results.
 */
import type { LayerTiming } from '../results/schema.js';
import type { ExportLayerInfo } from '../runners/trtexec/parse/export-layer-info.js';
import type { ExportProfile } from '../runners/trtexec/parse/export-profile.js';

export interface EngineLayer {
  name: string;
  /** LayerType of the export (`CaskConvolution`, `Reformat`, ...), or a type guessed from the name. */
  type?: string;
  precision?: string;
  /** Output format text as printed (`Channel major FP16 format where channel % 8 == 0`). */
  format?: string;
  tactic?: string;
  /** exportProfile averageMs. */
  ms?: number;
}

export interface EngineEnvironment {
  /** TensorRT version, e.g. `10.3.0`. */
  tensorrt?: string;
  /** GPU name (and compute capability). */
  device?: string;
}

export interface EngineSide {
  layers: EngineLayer[];
  /** Whether tactics were recorded at all (detailed layer info); without them tactic drift cannot be seen. */
  hasTactics: boolean;
  hasTimes: boolean;
  environment: EngineEnvironment;
}

/**
 * Layer info gives the order, types, formats and tactics; the profile gives times (by name). With
 * only a profile, its layers (and guessed types) are the engine.
 */
export function sideFromExports(
  layerInfo: ExportLayerInfo | undefined,
  profile: ExportProfile | undefined,
  environment: EngineEnvironment = {},
): EngineSide {
  const times = new Map<string, number>();
  for (const l of profile?.layers ?? []) times.set(l.name, (times.get(l.name) ?? 0) + l.averageMs);
  const layers: EngineLayer[] = layerInfo
    ? layerInfo.layers.map((l) => {
        const out = l.outputs[0];
        const format = out?.format ?? out?.dataType;
        const ms = times.get(l.name);
        return {
          name: l.name,
          ...(l.type ? { type: l.type } : {}),
          ...(l.precision ? { precision: l.precision } : {}),
          ...(format ? { format } : {}),
          ...(l.tactic ? { tactic: l.tactic } : {}),
          ...(ms !== undefined ? { ms } : {}),
        };
      })
    : (profile?.layers ?? []).map(fromTiming);
  return {
    layers,
    hasTactics: layerInfo?.detailed === true,
    hasTimes: profile !== undefined,
    environment,
  };
}

/** Layers stored in results (trtexec profile run or import): times, types, precisions and tactics where known. */
export function sideFromTimings(
  layers: readonly LayerTiming[],
  environment: EngineEnvironment = {},
): EngineSide {
  const ordered = [...layers].sort((a, b) => a.index - b.index);
  return {
    layers: ordered.map(fromTiming),
    hasTactics: ordered.some((l) => l.tactic !== undefined),
    hasTimes: true,
    environment,
  };
}

function fromTiming(l: LayerTiming): EngineLayer {
  return {
    name: l.name,
    ...(l.type ? { type: l.type } : {}),
    ...(l.precision ? { precision: l.precision } : {}),
    ...(l.tactic ? { tactic: l.tactic } : {}),
    ms: l.averageMs,
  };
}

/** Format conversions TensorRT inserts between layers; named after the layer they feed or leave. */
export function isReformat(layer: EngineLayer): boolean {
  return /^Reformatting CopyNode\b/.test(layer.name) || layer.type === 'Reformat';
}

/** The ops a (fused) layer name is made of: `Conv_5 + Add_6 + Relu_7` → three. */
export function fusedOps(name: string): string[] {
  return name
    .split(' + ')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
