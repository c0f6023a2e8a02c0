/**
 * `--exportProfile=<file>` (samples/common/sampleReporting.cpp, Profiler::exportJSONProfile):
 *   [ { "count" : N }, { "name", "timeMs", "averageMs", "medianMs", "percentage" }, ... ]
 * `count` is the number of profiled iterations; `timeMs` the total over them; `medianMs` is missing from
 * files of older trtexec. The layer index is the position in the file (execution order). The layer type is
 * taken from `--exportLayerInfo` when given, otherwise guessed from the name (see guessLayerType).
 */
import { DataError } from '../../../errors.js';
import type { LayerTiming } from '../../../results/schema.js';
import type { ExportLayerInfo } from './export-layer-info.js';
import { describe, jsonNumber, parseJsonText } from './numbers.js';

export interface ExportProfile {
  /** Profiled iterations (`count`). */
  count: number;
  layers: LayerTiming[];
  /** Sum of averageMs over layers: the profiled GPU time of one iteration. */
  totalAverageMs: number;
}

/** Names TensorRT generates itself, matched against the whole name. */
const GENERATED: ReadonlyArray<[RegExp, string]> = [
  [/^Reformatting CopyNode|^Reformatted|^reformat/i, 'Reformat'],
  [/ForeignNode|myelin/i, 'Myelin'],
  [/^PWN\(|PointWise/i, 'PointWise'],
  [/^(?:reshape|shuffle)_(?:before|after)_/i, 'Shuffle'],
];

/**
 * Ordered rules for the op part of a user (ONNX) name: the first part of a fused name (`Conv_1 + Relu_2`),
 * last path segment (`resnet50/pool1_pad/Pad` → `Pad`). Undefined when nothing matches, rather than a guess.
 */
const TYPE_RULES: ReadonlyArray<[RegExp, string]> = [
  [/conv(?:olution|2d|1d|3d|_|\b)|Conv__|ConvTranspose|deconv/i, 'Convolution'],
  [/MatMul|Gemm|FullyConnected|\bfc\d*\b|Linear/i, 'MatrixMultiply'],
  [/MaxPool|AveragePool|AvgPool|avg_pool|max_pool|GlobalAveragePool|pool/i, 'Pooling'],
  [/softmax/i, 'SoftMax'],
  [/LayerNorm|BatchNorm|InstanceNorm|GroupNorm|Normalization/i, 'Normalization'],
  [/\bPad\b|_pad\b|Padding/i, 'Padding'],
  [/Reshape|Transpose|Flatten|Squeeze|Unsqueeze|Shuffle|Permute/i, 'Shuffle'],
  [/Concat/i, 'Concatenation'],
  [/Slice|Split/i, 'Slice'],
  [/Resize|Upsample/i, 'Resize'],
  [/Reduce|Mean\b/i, 'Reduce'],
  [/Gather/i, 'Gather'],
  [/\b(?:Add|Sub|Mul|Div|Pow|Max|Min)(?:_\d+)?\b|\/add\b|elementwise/i, 'ElementWise'],
  [/Relu|Sigmoid|Tanh|Gelu|Silu|Swish|LeakyRelu|Clip|HardSwish|activation/i, 'Activation'],
  [/Cast/i, 'Cast'],
  [/Constant/i, 'Constant'],
];

export function guessLayerType(name: string): string | undefined {
  const generated = GENERATED.find(([re]) => re.test(name));
  if (generated) return generated[1];
  const first = name.split(' + ')[0] ?? name;
  const op = first.slice(first.lastIndexOf('/') + 1);
  return TYPE_RULES.find(([re]) => re.test(op))?.[1];
}

export function parseExportProfile(text: string, source: string, layerInfo?: ExportLayerInfo): ExportProfile {
  const data = parseJsonText(text, source);
  if (!Array.isArray(data)) {
    throw new DataError(
      `${source}: expected a JSON array (trtexec --exportProfile), found ${describe(data)}`,
      source,
    );
  }
  const head = data[0] as Record<string, unknown> | undefined;
  if (typeof head !== 'object' || head === null || !('count' in head)) {
    throw new DataError(`${source}: first entry must be { "count": N } (trtexec --exportProfile)`, source);
  }
  const count = jsonNumber(head.count, 'count', source);
  if (!Number.isInteger(count) || count < 0) {
    throw new DataError(`${source}: count must be a non-negative integer, found ${count}`, source);
  }
  const info = new Map(layerInfo?.layers.map((l) => [l.name, l]));
  let totalAverageMs = 0;
  const layers = data.slice(1).map((entry, i): LayerTiming => {
    const at = `entry ${i + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new DataError(`${source}: ${at}: expected an object, found ${describe(entry)}`, source);
    }
    const e = entry as Record<string, unknown>;
    if (typeof e.name !== 'string') throw new DataError(`${source}: ${at}: "name" must be a string`, source);
    const averageMs = jsonNumber(e.averageMs, `${at} (${e.name}): averageMs`, source);
    totalAverageMs += averageMs;
    const known = info.get(e.name);
    const type = known?.type ?? guessLayerType(e.name);
    return {
      name: e.name,
      index: i,
      averageMs,
      ...(type ? { type } : {}),
      ...(e.medianMs === undefined ? {} : { medianMs: jsonNumber(e.medianMs, `${at}: medianMs`, source) }),
      ...(e.percentage === undefined
        ? {}
        : { percentage: jsonNumber(e.percentage, `${at}: percentage`, source) }),
      ...(known?.precision ? { precision: known.precision } : {}),
      ...(known?.tactic ? { tactic: known.tactic } : {}),
    };
  });
  return { count, layers, totalAverageMs };
}
