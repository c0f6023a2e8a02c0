/** Test-side helpers for the trtexec / nvidia-smi doubles in this directory. */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { referenceOutputs } from '../../../../src/accuracy/reference.js';
import type { InputSpec } from '../../../../src/config/schema.js';
import { InputSource, tensorBytes, withBatch } from '../../../../src/inputs/generate.js';
import { type TensorSet, toFloat64 } from '../../../../src/inputs/tensor.js';

export const DOUBLE_DIR = fileURLToPath(new URL('./bin/', import.meta.url));
export const TRTEXEC_DOUBLE = `${DOUBLE_DIR}trtexec`;
export const NVIDIA_SMI_DOUBLE = `${DOUBLE_DIR}nvidia-smi`;

export interface Invocation {
  argv: string[];
  mode: 'help' | 'build' | 'benchmark' | 'profile' | 'infer';
  version: string;
}

/** The double's TRTEXEC_DOUBLE_LOG: one entry per trtexec invocation, in order. */
export async function readInvocations(file: string): Promise<Invocation[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Invocation);
}

/** Same key as the double's inputKey(): sha256 over (name, NUL, raw bytes) per input, sorted by name. */
export function inputKey(feeds: TensorSet): string {
  const h = createHash('sha256');
  for (const name of Object.keys(feeds).sort()) {
    h.update(name);
    h.update('\0');
    h.update(tensorBytes(feeds[name]!));
  }
  return h.digest('hex');
}

/**
 * Writes the TRTEXEC_DOUBLE_OUTPUTS file: ONNX Runtime's outputs of `onnx` for the first `samples`
 * samples of `inputs` (as the pipeline generates them), keyed by their input bytes.
 */
export async function writeRecordedOutputs(
  file: string,
  models: Array<{ onnx: string; inputs: InputSpec[]; batchSize?: number; samples: number }>,
): Promise<void> {
  const recorded: Record<string, Array<{ name: string; dims: number[]; values: number[] }>> = {};
  for (const m of models) {
    const inputs = m.inputs.map((i) => withBatch(i, m.batchSize ?? i.shape[0]!));
    const source = new InputSource(inputs, (p) => p);
    const feeds: TensorSet[] = [];
    // Sample 0 is also the benchmark input; accuracy uses samples 0..n-1.
    for (let s = 0; s < m.samples; s++) feeds.push(await source.sample(s));
    const outputs = await referenceOutputs(m.onnx, feeds);
    feeds.forEach((f, s) => {
      recorded[inputKey(f)] = Object.entries(outputs[s]!).map(([name, t]) => ({
        name,
        dims: t.dims,
        values: Array.from(toFloat64(t)),
      }));
    });
  }
  await writeFile(file, JSON.stringify(recorded));
}

/** An input spec with defaults filled, as the config schema would. */
export function randomInput(name: string, shape: number[], seed: number): InputSpec {
  return {
    name,
    shape,
    dtype: 'float32',
    data: { type: 'random', seed, distribution: 'uniform', min: 0, max: 1, mean: 0, std: 1 },
  };
}
