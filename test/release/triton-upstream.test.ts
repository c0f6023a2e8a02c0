import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { tritonModelConfig } from '../../src/release/triton/model-config.js';
import { PbtxtError, parsePbtxt, toPbtxt } from '../../src/release/triton/pbtxt.js';
import { ModelConfigType, tritonRoot } from '../../src/release/triton/schema.js';

/**
 * Triton's own schema, as a fixture: every message, field and enum of upstream model_config.proto
 * that trt-gate writes or may meet (source, commit and what was left out: the fixture's `source`).
 * trt-gate's schema must be a faithful subset of it, and every config.pbtxt trt-gate writes must
 * parse against the upstream one with the same strict parser.
 */
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/triton/model_config.upstream.json', import.meta.url), 'utf8'),
);
const upstream = protobuf.Root.fromJSON(fixture.descriptor);
upstream.resolveAll();
const UpstreamModelConfig = upstream.lookupType('inference.ModelConfig');

type Described = Record<string, unknown>;
function describeNamespace(ns: protobuf.NamespaceBase, out: Described = {}): Described {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) {
      for (const f of nested.fieldsArray) {
        out[`${nested.fullName}.${f.name}`] = {
          id: f.id,
          type: f.resolvedType ? f.resolvedType.fullName : f.type,
          repeated: f.repeated,
          keyType: f instanceof protobuf.MapField ? f.keyType : undefined,
        };
      }
    } else if (nested instanceof protobuf.Enum) {
      out[nested.fullName] = nested.values;
    }
    if (nested instanceof protobuf.Namespace) describeNamespace(nested, out);
  }
  return out;
}

const FP32 = 1; // onnx.TensorProto.DataType FLOAT

describe("Triton's model_config.proto (upstream fixture)", () => {
  it('names its source', () => {
    expect(fixture.source).toMatchObject({
      repository: 'https://github.com/triton-inference-server/common',
      path: 'protobuf/model_config.proto',
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
  });

  it("declares every field and enum of trt-gate's schema with upstream's name, number, type and label", () => {
    tritonRoot.resolveAll();
    const ours = describeNamespace(tritonRoot);
    const theirs = describeNamespace(upstream);
    expect(Object.keys(ours).length).toBeGreaterThan(20);
    for (const [name, declaration] of Object.entries(ours)) {
      expect({ name, declaration }).toEqual({ name, declaration: theirs[name] });
    }
  });

  it.each([
    [
      'TensorRT engines for two architectures',
      'tensorrt_plan',
      { '8.9': 'model_sm89.plan', '9.0': 'model_sm90.plan' },
    ],
    ['an ONNX Runtime model', 'onnxruntime_onnx', { any: 'model.onnx' }],
  ] as const)('what trt-gate writes for %s parses against upstream', (_what, platform, files) => {
    const config = tritonModelConfig(
      {
        name: 'tinycnn_fp16',
        platform,
        files,
        maxBatchSize: 32,
        preferredBatchSizes: [8],
        instances: 2,
        instanceKind: platform === 'tensorrt_plan' ? 'KIND_GPU' : 'KIND_CPU',
      },
      {
        inputs: [{ name: 'image', elemType: FP32, dims: [-1, 3, 32, 32] }],
        outputs: [{ name: 'probs', elemType: FP32, dims: [-1, 100] }],
      },
    );
    const text = toPbtxt(ModelConfigType, config);
    expect(parsePbtxt(UpstreamModelConfig, text)).toEqual(config);
  });

  it.each([
    ['preferred_batch_sizes', 'dynamic_batching { preferred_batch_sizes: [ 4 ] }'],
    ['max_queue_delay_us', 'dynamic_batching { max_queue_delay_us: 100 }'],
    ['cc_model_filename', 'cc_model_filename { key: "8.6" value: "a.plan" }'],
    ['shape', 'input { name: "x" data_type: TYPE_FP32 shape: [ 3 ] }'],
    ['datatype', 'input { name: "x" datatype: TYPE_FP32 }'],
  ])('rejects the misnamed field %s, as upstream has no such field', (field, text) => {
    expect(() => parsePbtxt(UpstreamModelConfig, text)).toThrow(PbtxtError);
    expect(() => parsePbtxt(UpstreamModelConfig, text)).toThrow(`has no field "${field}"`);
  });

  it.each(['TYPE_FLOAT', 'TYPE_FLOAT32', 'FP32', 'TYPE_HALF'])('rejects the data type %s', (name) => {
    expect(() => parsePbtxt(UpstreamModelConfig, `input { name: "x" data_type: ${name} }`)).toThrow(
      /is not a value of DataType/,
    );
  });
});
