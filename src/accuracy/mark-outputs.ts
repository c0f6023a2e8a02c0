import { ModelProto } from '../onnx/proto.js';

/** A node of an ONNX graph as far as localization needs it. */
export interface GraphNode {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
}

export interface GraphOutline {
  nodes: GraphNode[];
  outputs: string[];
  /**
   * Tensors computed from the graph inputs (activations), in node order, each with the index of
   * the node that produces it. Weights and what is computed from weights alone (e.g. the
   * DequantizeLinear of a QDQ weight, a Cast of fp16 weights) are left out: they do not depend on
   * the input, and differ between precisions by design.
   */
  activations: Array<{ tensor: string; node: number }>;
}

interface DecodedGraph {
  node?: Array<{ name?: string; opType?: string; input?: string[]; output?: string[] }>;
  input?: Array<{ name?: string }>;
  output?: Array<{ name?: string }>;
  initializer?: Array<{ name?: string }>;
}

/** Reads a model's nodes and activations (the proto subset in onnx/proto.ts is enough for that). */
export function outlineModel(bytes: Uint8Array): GraphOutline {
  const model = ModelProto.decode(bytes) as unknown as { graph?: DecodedGraph };
  const graph = model.graph ?? {};
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const live = new Set((graph.input ?? []).map((i) => i.name ?? '').filter((n) => n && !initializers.has(n)));
  const nodes: GraphNode[] = (graph.node ?? []).map((n, i) => ({
    name: n.name || `${n.opType ?? 'node'}_${i}`,
    op: n.opType ?? '',
    inputs: n.input ?? [],
    outputs: n.output ?? [],
  }));
  const activations: GraphOutline['activations'] = [];
  nodes.forEach((node, index) => {
    if (!node.inputs.some((t) => live.has(t))) return;
    for (const out of node.outputs) {
      if (!out) continue; // an omitted optional output
      live.add(out);
      activations.push({ tensor: out, node: index });
    }
  });
  return { nodes, outputs: (graph.output ?? []).map((o) => o.name ?? ''), activations };
}

/**
 * The model with `tensors` added as graph outputs. Appends a second serialised `graph` field that
 * holds only the new outputs: protobuf merges repeated occurrences of an embedded message, so
 * parsers see the original graph with a longer output list, and nothing the proto subset here does
 * not know (value_info, metadata, external data references, functions) is lost by re-encoding.
 * The outputs carry no type; ONNX Runtime and TensorRT's parser infer it.
 */
export function withOutputs(bytes: Uint8Array, tensors: readonly string[]): Uint8Array {
  if (tensors.length === 0) return bytes;
  const extra = ModelProto.encode(
    ModelProto.fromObject({ graph: { output: tensors.map((name) => ({ name })) } }),
  ).finish();
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes, 0);
  out.set(extra, bytes.length);
  return out;
}
