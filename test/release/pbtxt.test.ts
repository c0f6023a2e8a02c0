import { describe, expect, it } from 'vitest';
import { PbtxtError, parsePbtxt, toPbtxt } from '../../src/release/triton/pbtxt.js';
import { ModelConfigType } from '../../src/release/triton/schema.js';

/** Written by hand in the style of Triton's documentation (not by toPbtxt). */
const HAND_WRITTEN = `
# a comment
name: "resnet50_fp16"
platform: "tensorrt_plan"
max_batch_size: 32
input [
  {
    name: "input"
    data_type: TYPE_FP16
    dims: [ 3, 224, 224 ]
  }
]
output [ { name: "logits", data_type: TYPE_FP32, dims: [ 1000 ] } ]
instance_group [ { kind: KIND_GPU count: 2 gpus: [ 0 ] } ]
dynamic_batching { preferred_batch_size: [ 8, 16 ] max_queue_delay_microseconds: 100 }
cc_model_filenames [ { key: "8.9" value: "model_sm89.plan" }, { key: "9.0" value: "model_sm90.plan" } ]
`;

describe('config.pbtxt (protobuf text format against Triton ModelConfig)', () => {
  it('parses a hand-written Triton config, lists and map included', () => {
    const config = parsePbtxt(ModelConfigType, HAND_WRITTEN);
    expect(config).toEqual({
      name: 'resnet50_fp16',
      platform: 'tensorrt_plan',
      max_batch_size: 32,
      input: [{ name: 'input', data_type: 'TYPE_FP16', dims: [3, 224, 224] }],
      output: [{ name: 'logits', data_type: 'TYPE_FP32', dims: [1000] }],
      instance_group: [{ kind: 'KIND_GPU', count: 2, gpus: [0] }],
      dynamic_batching: { preferred_batch_size: [8, 16], max_queue_delay_microseconds: 100 },
      cc_model_filenames: { '8.9': 'model_sm89.plan', '9.0': 'model_sm90.plan' },
    });
    // What the writer makes of it parses back to the same content.
    expect(parsePbtxt(ModelConfigType, toPbtxt(ModelConfigType, config))).toEqual(config);
  });

  it.each([
    ['name: "a"\nmax_batch_sise: 4', /line 2: .*has no field "max_batch_sise"/],
    ['input { name: "x" data_type: TYPE_FLOAT32 }', /"TYPE_FLOAT32" is not a value of DataType/],
    ['max_batch_size: 4.5', /expected an integer/],
    ['max_batch_size: "4"', /expected a number/],
    ['name: "a"\nname: "b"', /line 2: .*name set twice/],
    ['name: a', /expected a quoted string/],
    ['name: "a', /unterminated string/],
    ['dynamic_batching { preferred_batch_size: [ 4 ]', /missing "}"/],
    ['max_batch_size: [ 1, 2 ]', /not repeated/],
    ['dynamic_batching { max_queue_delay_microseconds: -1 }', /must not be negative/],
  ])('rejects %j', (text, message) => {
    expect(() => parsePbtxt(ModelConfigType, text)).toThrow(PbtxtError);
    expect(() => parsePbtxt(ModelConfigType, text)).toThrow(message);
  });

  it('escapes strings it writes, and reads them back', () => {
    const config = { name: 'we"ird\\name\n', platform: 'onnxruntime_onnx' };
    expect(parsePbtxt(ModelConfigType, toPbtxt(ModelConfigType, config))).toEqual(config);
  });
});
