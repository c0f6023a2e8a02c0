import { readFile } from 'node:fs/promises';
import { ModelProto } from './proto.js';

export interface TensorSignature {
  name: string;
  /** onnx.TensorProto.DataType */
  elemType: number;
  /** -1 for a symbolic or unknown dimension. */
  dims: number[];
}

interface DecodedValue {
  name?: string;
  type?: {
    tensorType?: {
      elemType?: number;
      shape?: { dim?: Array<{ value?: string; dimValue?: number | { toNumber(): number } }> };
    };
  };
}

function signatureOf(v: DecodedValue): TensorSignature {
  const dims = (v.type?.tensorType?.shape?.dim ?? []).map((d) => {
    if (d.value !== 'dimValue' || d.dimValue === undefined) return -1;
    const n = typeof d.dimValue === 'number' ? d.dimValue : d.dimValue.toNumber();
    return n > 0 ? n : -1;
  });
  return { name: v.name ?? '', elemType: v.type?.tensorType?.elemType ?? 0, dims };
}

/** The graph's real inputs (initializers excluded) and outputs; throws when the file is not ONNX. */
export async function onnxSignature(
  path: string,
): Promise<{ inputs: TensorSignature[]; outputs: TensorSignature[] }> {
  const model = ModelProto.decode(await readFile(path)) as unknown as {
    graph?: { input?: DecodedValue[]; output?: DecodedValue[]; initializer?: Array<{ name?: string }> };
  };
  const weights = new Set((model.graph?.initializer ?? []).map((i) => i.name));
  return {
    inputs: (model.graph?.input ?? []).filter((i) => !weights.has(i.name)).map(signatureOf),
    outputs: (model.graph?.output ?? []).map(signatureOf),
  };
}
