/**
 * The precision an engine really holds, read from its layer information (`--exportLayerInfo` of a build
 * with `--profilingVerbosity=detailed`). A strongly typed network (`--stronglyTyped` on 10.x, always on
 * 11.x) takes its types from the model: trtexec turns the precision flags off ("Disabling
 * BuilderFlag::kFP16") or no longer has them, so the configured precision is only a claim. The runner
 * builds such engines with their layer information and fails an entry whose engine does not hold the
 * precision it would be labelled with, rather than publish a wrong label.
 *
 * The label is the type most compute layers write. Layers that only move data (Reformat, Shuffle, NoOp)
 * do not count, nor do index and mask types (int32, int64, uint8, bool); a tie goes to the more
 * quantized type, as a quantized engine keeps some layers in float.
 */
import { readFile } from 'node:fs/promises';
import type { Precision } from '../../config/schema.js';
import { DataError } from '../../errors.js';
import { type ExportLayerInfo, parseExportLayerInfo } from './parse/export-layer-info.js';

export interface EnginePrecision {
  /** Unset when the layers do not show one of trt-gate's precisions; `note` says why. */
  label?: Precision;
  /** Layers per output type, every layer with a known type. */
  layers: Record<string, number>;
  /** Of those, the compute layers the label is taken from. */
  computeLayers: Record<string, number>;
  source: string;
  note?: string;
}

const MOVES_DATA = new Set(['Reformat', 'Shuffle', 'NoOp']);
/** Most quantized first: the order ties are broken in. */
const COMPUTE_TYPES = ['int4', 'fp4', 'fp8', 'int8', 'fp16', 'bf16', 'fp32'];
const LABELS: ReadonlySet<string> = new Set<Precision>(['fp32', 'fp16', 'bf16', 'int8']);

export function precisionOfLayers(info: ExportLayerInfo, source: string): EnginePrecision {
  const layers: Record<string, number> = {};
  const computeLayers: Record<string, number> = {};
  for (const layer of info.layers) {
    if (!layer.precision) continue;
    layers[layer.precision] = (layers[layer.precision] ?? 0) + 1;
    if (layer.type && MOVES_DATA.has(layer.type)) continue;
    if (!COMPUTE_TYPES.includes(layer.precision)) continue;
    computeLayers[layer.precision] = (computeLayers[layer.precision] ?? 0) + 1;
  }
  const base = { layers, computeLayers, source };
  if (!info.detailed) {
    return { ...base, note: 'layer names only: the engine was built without --profilingVerbosity=detailed' };
  }
  const ranked = COMPUTE_TYPES.filter((t) => computeLayers[t]).sort(
    (a, b) => computeLayers[b]! - computeLayers[a]! || COMPUTE_TYPES.indexOf(a) - COMPUTE_TYPES.indexOf(b),
  );
  const top = ranked[0];
  if (!top) return { ...base, note: 'no compute layer shows its output type' };
  if (!LABELS.has(top)) {
    return { ...base, note: `most compute layers write ${top}, which is not a trt-gate precision` };
  }
  return { ...base, label: top as Precision };
}

/** Reads and labels a layer information file; a missing or unreadable file is a DataError naming it. */
export async function readEnginePrecision(file: string): Promise<EnginePrecision> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DataError(
      `${file}: trtexec wrote no layer information (--exportLayerInfo): ${(error as Error).message}`,
      file,
    );
  }
  return precisionOfLayers(parseExportLayerInfo(text, file), file);
}

/** "int8 in 5 of 6 compute layers (fp32 1)": what the label rests on, for messages and reports. */
export function describeEnginePrecision(p: EnginePrecision): string {
  const total = Object.values(p.computeLayers).reduce((a, b) => a + b, 0);
  const parts = Object.entries(p.computeLayers)
    .sort((a, b) => b[1] - a[1])
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  if (!p.label) return `${p.note ?? 'no label'} (${total} compute layers: ${parts || 'none'})`;
  return `${p.label} in ${p.computeLayers[p.label]} of ${total} compute layers (${parts})`;
}
