import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TensorSet } from '../inputs/tensor.js';
import { toFloat64 } from '../inputs/tensor.js';
import type { LayerDivergence, Localization } from '../results/schema.js';
import type { BuildRequest, Runner } from '../runners/types.js';
import { outlineModel, withOutputs } from './mark-outputs.js';
import { countNonFinite, outputMetrics } from './metrics.js';
import { referenceOutputs } from './reference.js';

/**
 * How each runner's intermediate outputs are obtained, and what that changes. Marking a tensor as
 * an output stops TensorRT from fusing across it, so the engine compared layer by layer is not
 * exactly the engine that was gated.
 */
const METHOD: Record<string, string> = {
  onnxruntime: 'intermediate tensors exposed as ONNX graph outputs, candidate and fp32 reference alike',
  trtexec:
    'an engine built from the ONNX with the intermediate tensors marked as outputs (marking outputs can ' +
    'prevent layer fusion, so that engine may differ from the gated one)',
};

export interface LocalizeRequest {
  runner: Runner;
  /** The entry's build request; its `onnxPath` is the candidate model. */
  build: BuildRequest;
  /** The fp32 model. */
  referenceOnnx: string;
  /** Feeds of the failing samples, and their sample indices. */
  feeds: TensorSet[];
  samples: number[];
  /** A tensor diverges when its worst per-sample cosine is below this, or it has NaN/Inf. */
  cosineBelow: number;
  /** Scratch directory for the marked models. */
  workDir: string;
}

/**
 * Finds the first tensor, in the candidate's graph order, whose value leaves the fp32 reference's
 * tensor of the same name: run both with their activations exposed as outputs on the failing
 * inputs, compare tensor by tensor. Never throws: a failure is recorded as `status: failed`.
 */
export async function localize(req: LocalizeRequest): Promise<Localization> {
  const base = {
    method: METHOD[req.runner.type] ?? `intermediate tensors marked as outputs (${req.runner.type} runner)`,
    samples: req.samples,
    cosineBelow: req.cosineBelow,
  };
  try {
    const candBytes = new Uint8Array(await readFile(req.build.onnxPath));
    const refBytes = new Uint8Array(await readFile(req.referenceOnnx));
    const cand = outlineModel(candBytes);
    const refTensors = new Set(outlineModel(refBytes).activations.map((a) => a.tensor));
    const shared = cand.activations.filter((a) => refTensors.has(a.tensor));
    if (shared.length === 0) {
      return {
        ...base,
        status: 'failed',
        layers: [],
        message: 'the candidate and the fp32 model share no tensor names',
      };
    }
    const names = shared.map((a) => a.tensor);
    await mkdir(req.workDir, { recursive: true });
    const candPath = join(req.workDir, 'candidate-marked.onnx');
    const refPath = join(req.workDir, 'reference-marked.onnx');
    await writeFile(
      candPath,
      withOutputs(
        candBytes,
        names.filter((n) => !cand.outputs.includes(n)),
      ),
    );
    await writeFile(refPath, withOutputs(refBytes, names));

    const reference = await referenceOutputs(refPath, req.feeds);
    const engine = await req.runner.build(
      { ...req.build, onnxPath: candPath, workDir: req.workDir },
      () => {},
    );
    let candidate: TensorSet[];
    try {
      candidate = await req.runner.infer(engine, req.feeds);
    } finally {
      await req.runner.release(engine);
    }

    const layers: LayerDivergence[] = [];
    for (const { tensor, node } of shared) {
      const refs = reference.map((s) => s[tensor]);
      const cands = candidate.map((s) => s[tensor]);
      if (refs.some((t) => !t) || cands.some((t) => !t)) continue; // not produced (e.g. optimised away)
      const r = refs.map((t) => toFloat64(t!));
      const c = cands.map((t) => toFloat64(t!));
      if (r.some((v, i) => v.length !== c[i]!.length)) continue;
      const nonFinite = countNonFinite(c);
      const metrics =
        nonFinite || countNonFinite(r)
          ? undefined
          : outputMetrics({ reference: r, candidate: c, dims: [], classifier: false });
      const n = cand.nodes[node]!;
      layers.push({
        tensor,
        node: n.name,
        op: n.op,
        index: node,
        cosine: metrics?.cosine ?? null,
        maxAbsError: metrics?.maxAbsError ?? null,
        nonFinite,
      });
    }
    const first = layers.find((l) => l.cosine === null || l.cosine < req.cosineBelow);
    if (!first) {
      return {
        ...base,
        status: 'none',
        layers,
        message: `no compared tensor has a cosine below ${req.cosineBelow}; the error builds up gradually`,
      };
    }
    return { ...base, status: 'found', first, layers };
  } catch (error) {
    return { ...base, status: 'failed', layers: [], message: (error as Error).message };
  }
}
