import { AttributeType, ModelProto, OnnxDataType } from '../../../src/onnx/proto.js';

export type AttributeValue = number | number[] | { float: number } | { floats: number[] };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: Record<string, AttributeValue>;
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  dtype: keyof typeof OnnxDataType;
  /** Little-endian raw bytes of the tensor. */
  raw: Uint8Array;
}

export interface OnnxValue {
  name: string;
  dtype: keyof typeof OnnxDataType;
  /** A string is a symbolic dimension (e.g. `batch`). */
  shape: Array<number | string>;
}

export interface OnnxGraph {
  name: string;
  doc?: string;
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  initializers: OnnxInitializer[];
  nodes: OnnxNode[];
  opset?: number;
}

function attribute(name: string, value: AttributeValue): Record<string, unknown> {
  if (typeof value === 'number') return { name, i: value, type: AttributeType.int };
  if (Array.isArray(value)) return { name, ints: value, type: AttributeType.ints };
  if ('float' in value) return { name, f: value.float, type: AttributeType.float };
  return { name, floats: value.floats, type: AttributeType.floats };
}

function valueInfo(v: OnnxValue): Record<string, unknown> {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: OnnxDataType[v.dtype],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Serialises a graph to ONNX protobuf bytes (IR version 8, default-domain opset 17 unless given). */
export function encodeModel(graph: OnnxGraph, producer = { name: 'trt-gate', version: '0' }): Uint8Array {
  const message = ModelProto.fromObject({
    irVersion: 8,
    producerName: producer.name,
    producerVersion: producer.version,
    opsetImport: [{ domain: '', version: graph.opset ?? 17 }],
    graph: {
      name: graph.name,
      docString: graph.doc ?? '',
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
      initializer: graph.initializers.map((t) => ({
        name: t.name,
        dims: t.dims,
        dataType: OnnxDataType[t.dtype],
        rawData: t.raw,
      })),
      node: graph.nodes.map((n, i) => ({
        name: n.name ?? `${n.op}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      })),
    },
  });
  return ModelProto.encode(message).finish();
}

export function float32Raw(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}
