/**
 * Which model inputs have dynamic dimensions. trtexec refuses shape flags for a model without any
 * ("Static model does not take explicit shapes since the shape of inference tensors will be determined by
 * the model itself", sampleEngines.cpp), so --minShapes/--optShapes/--maxShapes/--shapes are given only for
 * inputs whose ONNX shape has a symbolic or unknown dimension.
 */
import { readFile } from 'node:fs/promises';
import { ModelProto } from '../../onnx/proto.js';

interface Dim {
  value?: 'dimValue' | 'dimParam';
  dimValue?: number | { toNumber(): number };
  dimParam?: string;
}

interface DecodedModel {
  graph?: {
    input?: Array<{ name?: string; type?: { tensorType?: { shape?: { dim?: Dim[] } } } }>;
  };
}

/** Input name → dims (`-1` for dynamic); undefined when the file cannot be decoded as ONNX. */
export async function onnxInputDims(path: string): Promise<Map<string, number[]> | undefined> {
  let model: DecodedModel;
  try {
    model = ModelProto.decode(await readFile(path)) as unknown as DecodedModel;
  } catch {
    return undefined;
  }
  const out = new Map<string, number[]>();
  for (const input of model.graph?.input ?? []) {
    if (!input.name) continue;
    const dims = (input.type?.tensorType?.shape?.dim ?? []).map((d) => {
      if (d.value !== 'dimValue' || d.dimValue === undefined) return -1;
      const n = typeof d.dimValue === 'number' ? d.dimValue : d.dimValue.toNumber();
      return n > 0 ? n : -1;
    });
    out.set(input.name, dims);
  }
  return out;
}

/**
 * Names of the configured inputs that need shape flags. When the model cannot be read here, every
 * configured input is treated as dynamic (trtexec then reports the real problem).
 */
export async function dynamicInputs(path: string, names: string[]): Promise<Set<string>> {
  const dims = await onnxInputDims(path);
  if (!dims) return new Set(names);
  return new Set(names.filter((n) => (dims.get(n) ?? []).some((d) => d < 0)));
}
