/**
 * Real trtexec exports for the engine-diff tests (provenance in each fixture's .source.txt), and the
 * edits some tests make to a copy of one of them, stated where they are made.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIX = join(import.meta.dirname, '..', 'fixtures');
export const RTX3090_FP32_LAYERS = join(
  FIX,
  'trtexec',
  'trex-rtx3090-resnet50-fp32-exportLayerInfo-detailed.json',
);
export const RTX3090_FP32_PROFILE = join(FIX, 'trtexec', 'trex-rtx3090-resnet50-fp32-exportProfile.json');
export const RTX3090_FP16_STEM = join(
  FIX,
  'trtexec-diff',
  'trex-rtx3090-resnet50-fp16-exportLayerInfo-stem.json',
);
export const A100_FP32_PROFILE = join(FIX, 'trtexec2', 'trex-a100-resnet50-fp32-exportProfile.json');

export interface LayerJson {
  Name: string;
  LayerType?: string;
  TacticName?: string;
  TacticValue?: string;
  [key: string]: unknown;
}
export interface LayerInfoJson {
  Layers: LayerJson[];
  Bindings?: string[];
}
export type ProfileJson = [
  { count: number },
  ...Array<{ name: string; averageMs: number; [k: string]: unknown }>,
];

export const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
export const file = (path: string, data: unknown) => ({ path, text: JSON.stringify(data) });
export const realFile = (path: string) => ({ path, text: readFileSync(path, 'utf8') });

/** The fp32 counterpart of the fp16 stem excerpt: the first 11 layers of the full fp32 export. */
export function fp32Stem(): LayerInfoJson {
  const full = readJson<LayerInfoJson>(RTX3090_FP32_LAYERS);
  return { ...full, Layers: full.Layers.slice(0, 11) };
}
