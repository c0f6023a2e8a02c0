import protobuf from 'protobufjs';

/**
 * The subset of Triton's ModelConfig (triton-inference-server/common, protobuf/model_config.proto)
 * that trt-gate writes, in proto syntax with upstream names and numbers (text format is by name,
 * so keepCase). The strict parser in pbtxt.ts checks every config.pbtxt against it: an unknown
 * field, a wrong enum value or a scalar of the wrong type is an error, as it would be for Triton's
 * own loader. test/release/triton-upstream.test.ts checks every declaration here against a fixture
 * extracted from upstream's model_config.proto.
 */
const SCHEMA = `
syntax = "proto3";
package inference;
enum DataType {
  TYPE_INVALID = 0; TYPE_BOOL = 1; TYPE_UINT8 = 2; TYPE_UINT16 = 3; TYPE_UINT32 = 4; TYPE_UINT64 = 5;
  TYPE_INT8 = 6; TYPE_INT16 = 7; TYPE_INT32 = 8; TYPE_INT64 = 9; TYPE_FP16 = 10; TYPE_FP32 = 11;
  TYPE_FP64 = 12; TYPE_STRING = 13; TYPE_BF16 = 14;
}
message ModelInstanceGroup {
  enum Kind { KIND_AUTO = 0; KIND_GPU = 1; KIND_CPU = 2; KIND_MODEL = 3; }
  string name = 1; Kind kind = 4; int32 count = 2; repeated int32 gpus = 3;
}
message ModelInput { string name = 1; DataType data_type = 2; repeated int64 dims = 4; }
message ModelOutput { string name = 1; DataType data_type = 2; repeated int64 dims = 3; }
message ModelDynamicBatching { repeated int32 preferred_batch_size = 1; uint64 max_queue_delay_microseconds = 2; }
message ModelConfig {
  string name = 1; string platform = 2; string backend = 17; int32 max_batch_size = 4;
  repeated ModelInput input = 5; repeated ModelOutput output = 6;
  repeated ModelInstanceGroup instance_group = 7; string default_model_filename = 8;
  map<string, string> cc_model_filenames = 9; ModelDynamicBatching dynamic_batching = 11;
}
`;

export const tritonRoot = protobuf.parse(SCHEMA, { keepCase: true }).root;
export const ModelConfigType = tritonRoot.lookupType('inference.ModelConfig');
