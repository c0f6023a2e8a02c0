/**
 * What an engine diff says (src/engine-diff/diff.ts), as stored in a comparison and printed by
 * `trt-gate diff-engines --json`. Layer and tactic names come from trtexec exports: untrusted text.
 */
import { z } from 'zod';

/**
 * Why two engines differ, most decisive first:
 * - `environment`: TensorRT version or device differ; any layer change may come from that alone.
 * - `graph-change`: compute layers were added, removed or fused differently (the model or the build changed).
 * - `precision-change`: same layers, but the engine's precision (what most layers hold) changed.
 * - `tactic-drift`: same layers and precision; the builder picked other kernels, formats or reformats.
 * - `identical`: same layers, tactics and formats: a latency change is not in the engine.
 * - `undetermined`: the exports lack what would tell (no tactics recorded on a side).
 */
export const EngineDiffCause = z.enum([
  'environment',
  'graph-change',
  'precision-change',
  'tactic-drift',
  'identical',
  'undetermined',
]);
export type EngineDiffCause = z.infer<typeof EngineDiffCause>;

export const LayerChangeDetail = z.object({
  what: z.enum(['tactic', 'implementation', 'precision', 'format']),
  base: z.string().optional(),
  candidate: z.string().optional(),
});
export type LayerChangeDetail = z.infer<typeof LayerChangeDetail>;

/**
 * One row of the diff. `refused`: layers whose fused ops overlap but are grouped differently
 * (`Conv_5 + Add_6` on one side, `Conv_5` and `Add_6 + Relu_7` on the other). `reformat-*`: format
 * conversions TensorRT inserted (they follow the chosen formats, so they belong with tactics).
 */
export const LayerChange = z.object({
  kind: z.enum(['same', 'changed', 'added', 'removed', 'refused', 'reformat-added', 'reformat-removed']),
  baseNames: z.array(z.string()),
  candidateNames: z.array(z.string()),
  type: z.string().optional(),
  changes: z.array(LayerChangeDetail),
  baseMs: z.number().optional(),
  candidateMs: z.number().optional(),
  /** candidateMs − baseMs, a missing side counted as 0; absent when neither side has times. */
  deltaMs: z.number().optional(),
});
export type LayerChange = z.infer<typeof LayerChange>;

const Side = z.object({ base: z.string().optional(), candidate: z.string().optional() });

export const EngineDiff = z.object({
  cause: EngineDiffCause,
  reason: z.string(),
  environment: z.object({ tensorrt: Side, device: Side }),
  /** What most compute layers hold, per side (absent when no layer says). */
  precision: Side,
  counts: z.object({
    baseLayers: z.number().int(),
    candidateLayers: z.number().int(),
    same: z.number().int(),
    changed: z.number().int(),
    added: z.number().int(),
    removed: z.number().int(),
    refused: z.number().int(),
    tactic: z.number().int(),
    implementation: z.number().int(),
    precision: z.number().int(),
    format: z.number().int(),
    reformatsBase: z.number().int(),
    reformatsCandidate: z.number().int(),
  }),
  /** Per-layer GPU time (exportProfile averages), when both sides have it; delta split by kind of row. */
  time: z
    .object({
      baseMs: z.number(),
      candidateMs: z.number(),
      deltaMs: z.number(),
      byKind: z.record(z.string(), z.number()),
    })
    .optional(),
  /** Rows that changed (and unchanged rows whose time moved), largest |Δ ms| first; cut to a limit when stored. */
  layers: z.array(LayerChange),
  /** Rows left out of `layers` by the limit. */
  omitted: z.number().int().nonnegative().default(0),
});
export type EngineDiff = z.infer<typeof EngineDiff>;
