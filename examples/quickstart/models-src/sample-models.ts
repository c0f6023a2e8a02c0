import { mulberry32, normalSource } from '../../../src/util/prng.js';
import type { OnnxGraph, OnnxInitializer, OnnxNode } from './builder.js';
import { float32Raw } from './builder.js';
import { encodeWeight, type WeightEncoding } from './weights.js';

/**
 * The models shipped in examples/quickstart/models, built from seeded weights so that
 * `npm run models` reproduces them byte for byte. Variants share input/output names and shapes so
 * one can stand in for another under the same model name (that is how the gate's demos work).
 */
export interface SampleVariant {
  encoding: WeightEncoding;
  /** Four extra, wider convolution blocks: the same model, unmistakably slower (about 5–7× on a CPU). */
  slower?: boolean;
  /**
   * One extra 3×3 convolution of this many channels at the lowest resolution (8×8, after pool2):
   * a real, modest slowdown (the `tinycnn-slower10` file, about 10 % on a CPU) for the A/B gate.
   */
  extraConv?: number;
  /**
   * Two extra 1×1 convolutions (32 → this many channels → 32) at the lowest resolution: a finer
   * real slowdown than `extraConv` (about 1 % of the model's work per 8 channels), for the A/B bench.
   */
  extraPointwise?: number;
  /** Relative Gaussian noise added to every weight: the same model, measurably less accurate. */
  perturb?: number;
  /** Perturb only this layer's weights (e.g. `conv2`): one broken middle layer, for localization. */
  perturbLayer?: string;
}

class GraphWriter {
  readonly initializers: OnnxInitializer[] = [];
  readonly nodes: OnnxNode[] = [];
  private readonly normal: () => number;
  private readonly noise: () => number;

  constructor(
    seed: number,
    private readonly variant: SampleVariant,
  ) {
    this.normal = normalSource(mulberry32(seed));
    this.noise = normalSource(mulberry32(seed ^ 0x5eed));
  }

  /** He-initialised weight, stored in the variant's encoding. */
  weight(name: string, dims: number[], fanIn: number): string {
    const count = dims.reduce((a, b) => a * b, 1);
    const std = Math.sqrt(2 / fanIn);
    const values = new Float32Array(count);
    const only = this.variant.perturbLayer;
    const perturbed = only === undefined || name.startsWith(`${only}.`) ? this.variant.perturb : undefined;
    for (let i = 0; i < count; i++) {
      const w = this.normal() * std;
      values[i] = perturbed ? w + this.noise() * std * perturbed : w;
    }
    const encoded = encodeWeight(name, dims, values, this.variant.encoding);
    this.initializers.push(...encoded.initializers);
    this.nodes.push(...encoded.nodes);
    return name;
  }

  bias(name: string, size: number): string {
    const values = Float32Array.from({ length: size }, () => this.normal() * 0.01);
    this.initializers.push({ name, dims: [size], dtype: 'float', raw: float32Raw(values) });
    return name;
  }

  node(op: string, inputs: string[], output: string, attributes?: OnnxNode['attributes']): string {
    this.nodes.push({ op, inputs, outputs: [output], name: output, attributes });
    return output;
  }

  conv(input: string, name: string, inCh: number, outCh: number): string {
    const w = this.weight(`${name}.weight`, [outCh, inCh, 3, 3], inCh * 9);
    const b = this.bias(`${name}.bias`, outCh);
    const conv = this.node('Conv', [input, w, b], name, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    return this.node('Relu', [conv], `${name}.relu`);
  }

  conv1x1(input: string, name: string, inCh: number, outCh: number): string {
    const w = this.weight(`${name}.weight`, [outCh, inCh, 1, 1], inCh);
    const b = this.bias(`${name}.bias`, outCh);
    const conv = this.node('Conv', [input, w, b], name, { kernel_shape: [1, 1] });
    return this.node('Relu', [conv], `${name}.relu`);
  }

  gemm(input: string, name: string, inF: number, outF: number): string {
    const w = this.weight(`${name}.weight`, [outF, inF], inF);
    const b = this.bias(`${name}.bias`, outF);
    return this.node('Gemm', [input, w, b], name, { transB: 1 });
  }
}

export const TINYCNN_CLASSES = 100;

/** Conv/Relu/MaxPool ×3 → GlobalAveragePool → Gemm → Softmax: a small image classifier. */
export function tinyCnn(variant: SampleVariant): OnnxGraph {
  const g = new GraphWriter(42, variant);
  let x = g.conv('image', 'conv1', 3, 16);
  if (variant.slower) {
    x = g.conv(x, 'conv1b', 16, 32);
    x = g.conv(x, 'conv1c', 32, 16);
  }
  x = g.node('MaxPool', [x], 'pool1', { kernel_shape: [2, 2], strides: [2, 2] });
  x = g.conv(x, 'conv2', 16, 32);
  if (variant.slower) {
    x = g.conv(x, 'conv2b', 32, 64);
    x = g.conv(x, 'conv2c', 64, 32);
  }
  x = g.node('MaxPool', [x], 'pool2', { kernel_shape: [2, 2], strides: [2, 2] });
  if (variant.extraConv) {
    x = g.conv(x, 'conv2x', 32, variant.extraConv);
    x = g.conv(x, 'conv2y', variant.extraConv, 32);
  }
  if (variant.extraPointwise) {
    x = g.conv1x1(x, 'conv2p', 32, variant.extraPointwise);
    x = g.conv1x1(x, 'conv2q', variant.extraPointwise, 32);
  }
  x = g.conv(x, 'conv3', 32, 64);
  x = g.node('GlobalAveragePool', [x], 'gap');
  x = g.node('Flatten', [x], 'flatten', { axis: 1 });
  x = g.gemm(x, 'fc', 64, TINYCNN_CLASSES);
  g.node('Softmax', [x], 'probs', { axis: 1 });
  return {
    name: 'tinycnn',
    doc: `trt-gate sample classifier (${describe(variant)})`,
    inputs: [{ name: 'image', dtype: 'float', shape: ['batch', 3, 32, 32] }],
    outputs: [{ name: 'probs', dtype: 'float', shape: ['batch', TINYCNN_CLASSES] }],
    initializers: g.initializers,
    nodes: g.nodes,
  };
}

/** Gemm/Relu ×2 → Gemm: a small multilayer perceptron with 10 logits. */
export function mlp(variant: SampleVariant): OnnxGraph {
  const g = new GraphWriter(7, variant);
  let x = g.node('Relu', [g.gemm('features', 'fc1', 64, 256)], 'fc1.relu');
  x = g.node('Relu', [g.gemm(x, 'fc2', 256, 256)], 'fc2.relu');
  if (variant.slower) x = g.node('Relu', [g.gemm(x, 'fc2b', 256, 256)], 'fc2b.relu');
  g.gemm(x, 'logits', 256, 10);
  return {
    name: 'mlp',
    doc: `trt-gate sample MLP (${describe(variant)})`,
    inputs: [{ name: 'features', dtype: 'float', shape: ['batch', 64] }],
    outputs: [{ name: 'logits', dtype: 'float', shape: ['batch', 10] }],
    initializers: g.initializers,
    nodes: g.nodes,
  };
}

function describe(v: SampleVariant): string {
  return [
    `${v.encoding} weights`,
    v.slower ? 'slower' : '',
    v.extraConv ? `extra conv ${v.extraConv}` : '',
    v.extraPointwise ? `extra 1x1 conv ${v.extraPointwise}` : '',
    v.perturb ? `perturbed ${v.perturb}${v.perturbLayer ? ` in ${v.perturbLayer}` : ''}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** Every file the quickstart ships: file name → graph. */
export function sampleModelFiles(): Record<string, OnnxGraph> {
  return {
    'tinycnn-fp32.onnx': tinyCnn({ encoding: 'fp32' }),
    'tinycnn-fp16.onnx': tinyCnn({ encoding: 'fp16' }),
    'tinycnn-int8.onnx': tinyCnn({ encoding: 'int8' }),
    'tinycnn-slower-fp32.onnx': tinyCnn({ encoding: 'fp32', slower: true }),
    'tinycnn-slower10-fp32.onnx': tinyCnn({ encoding: 'fp32', extraConv: 8 }),
    'tinycnn-perturbed-fp32.onnx': tinyCnn({ encoding: 'fp32', perturb: 0.3 }),
    'tinycnn-broken-conv2-fp16.onnx': tinyCnn({ encoding: 'fp16', perturb: 0.2, perturbLayer: 'conv2' }),
    'mlp-fp32.onnx': mlp({ encoding: 'fp32' }),
    'mlp-fp16.onnx': mlp({ encoding: 'fp16' }),
    'mlp-int8.onnx': mlp({ encoding: 'int8' }),
  };
}
