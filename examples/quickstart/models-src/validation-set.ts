import * as ort from 'onnxruntime-node';
import { encodeNpz } from '../../../src/inputs/npz.js';
import { mulberry32, normalSource } from '../../../src/util/prng.js';

/**
 * The quickstart's labelled validation sets (no download). Synthetic, and honest about it:
 * a pool of seeded "prototype" inputs (smooth sinusoid images for tinycnn, Gaussian feature
 * vectors for mlp) is labelled with the class the fp32 model gives each noise-free prototype;
 * prototypes are picked round-robin over the classes found (with a clear top-1 margin, so the
 * labels do not hinge on rounding), and each item is a prototype plus Gaussian noise. So
 * "accuracy" here is how often a precision keeps the fp32 model's class under input noise: fp32
 * itself scores high but not 100 % (noise moves items across a decision boundary), and a weaker
 * precision can flip more. It says nothing about how good these random-weight models are, and the
 * random tinycnn only ever predicts a handful of its 100 classes, so its top-5 is near 100 %.
 */
export interface SetSpec {
  input: string;
  /** Item shape (without the batch axis). */
  shape: number[];
  items: number;
  prototypes: number;
  pool: number;
  noise: number;
  seed: number;
  prototype(rand: () => number, normal: () => number): Float32Array;
  /** Applied to every value of a prototype and an item (e.g. clip and round like an 8-bit image). */
  quantize(v: number): number;
}

const to8bit = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 255) / 255;
const toStep = (v: number): number => Math.round(v * 64) / 64;

export const SETS: Record<string, SetSpec> = {
  tinycnn: {
    input: 'image',
    shape: [3, 32, 32],
    items: 128,
    prototypes: 32,
    pool: 256,
    noise: 0.15,
    seed: 2024,
    quantize: to8bit,
    prototype(rand) {
      const out = new Float32Array(3 * 32 * 32);
      for (let c = 0; c < 3; c++) {
        const waves = Array.from({ length: 3 }, () => ({
          fx: rand() * 12 - 6,
          fy: rand() * 12 - 6,
          phase: rand() * 2 * Math.PI,
          amp: rand() * 0.5,
        }));
        const offset = rand();
        for (let y = 0; y < 32; y++) {
          for (let x = 0; x < 32; x++) {
            let v = offset;
            for (const w of waves)
              v += w.amp * Math.sin((2 * Math.PI * (w.fx * x + w.fy * y)) / 32 + w.phase);
            out[c * 1024 + y * 32 + x] = v;
          }
        }
      }
      return out;
    },
  },
  mlp: {
    input: 'features',
    shape: [64],
    items: 512,
    prototypes: 64,
    pool: 512,
    noise: 0.15,
    seed: 2025,
    quantize: toStep,
    prototype(_rand, normal) {
      return Float32Array.from({ length: 64 }, () => normal());
    },
  },
};

/** The .npz bytes (arrays `<input>` float32 [N, …] and `labels` int64 [N]), labelled by `fp32Model`. */
export async function validationSet(spec: SetSpec, fp32Model: string): Promise<Uint8Array> {
  const rand = mulberry32(spec.seed);
  const normal = normalSource(mulberry32(spec.seed ^ 0x5eed));
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const pool = Array.from({ length: spec.pool }, () => spec.prototype(rand, normal).map(spec.quantize));
  const session = await ort.InferenceSession.create(fp32Model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'disabled',
  });
  const byClass = new Map<number, Float32Array[]>();
  try {
    for (const p of pool) {
      const out = await session.run({ [spec.input]: new ort.Tensor('float32', p, [1, ...spec.shape]) });
      const scores = Array.from(out[session.outputNames[0]!]!.data as Float32Array);
      const sorted = [...scores].sort((a, b) => b - a);
      if (sorted[0]! - sorted[1]! < 1e-3 * Math.abs(sorted[0]!)) continue; // too close to call
      const k = scores.indexOf(sorted[0]!);
      byClass.set(k, [...(byClass.get(k) ?? []), p]);
    }
  } finally {
    await session.release();
  }
  // Round-robin over classes (in class order) so that no class dominates more than it must.
  const chosen: Array<{ p: Float32Array; label: number }> = [];
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  for (let round = 0; chosen.length < spec.prototypes; round++) {
    const before = chosen.length;
    for (const k of classes) {
      const p = byClass.get(k)![round];
      if (p && chosen.length < spec.prototypes) chosen.push({ p, label: k });
    }
    if (chosen.length === before) throw new Error(`only ${chosen.length} usable prototypes in the pool`);
  }
  const data = new Float32Array(spec.items * size);
  const labels = new BigInt64Array(spec.items);
  for (let i = 0; i < spec.items; i++) {
    const { p, label } = chosen[i % chosen.length]!;
    for (let j = 0; j < size; j++) data[i * size + j] = spec.quantize(p[j]! + spec.noise * normal());
    labels[i] = BigInt(label);
  }
  return encodeNpz({
    [spec.input]: { dtype: 'float32', shape: [spec.items, ...spec.shape], data: new Uint8Array(data.buffer) },
    labels: { dtype: 'int64', shape: [spec.items], data: new Uint8Array(labels.buffer) },
  });
}
