import protobuf from 'protobufjs';

/**
 * The subset of Triton's ModelConfig (triton-inference-server/common, protobuf/model_config.proto)
 * that trt-gate writes, with upstream field names (text format is by name). The strict parser in
 * pbtxt.ts checks every config.pbtxt against it: an unknown field, a wrong enum value or a scalar of
 * the wrong type is an error, as it would be for Triton's own loader.
 */
const descriptor = {
  nested: {
    inference: {
      nested: {
        DataType: {
          values: {
            TYPE_INVALID: 0,
            TYPE_BOOL: 1,
            TYPE_UINT8: 2,
            TYPE_UINT16: 3,
            TYPE_UINT32: 4,
            TYPE_UINT64: 5,
            TYPE_INT8: 6,
            TYPE_INT16: 7,
            TYPE_INT32: 8,
            TYPE_INT64: 9,
            TYPE_FP16: 10,
            TYPE_FP32: 11,
            TYPE_FP64: 12,
            TYPE_STRING: 13,
            TYPE_BF16: 14,
          },
        },
        ModelInstanceGroup: {
          fields: {
            name: { type: 'string', id: 1 },
            kind: { type: 'Kind', id: 4 },
            count: { type: 'int32', id: 2 },
            gpus: { rule: 'repeated', type: 'int32', id: 3 },
          },
          nested: { Kind: { values: { KIND_AUTO: 0, KIND_GPU: 1, KIND_CPU: 2, KIND_MODEL: 3 } } },
        },
        ModelInput: {
          fields: {
            name: { type: 'string', id: 1 },
            data_type: { type: 'DataType', id: 2 },
            dims: { rule: 'repeated', type: 'int64', id: 4 },
          },
        },
        ModelOutput: {
          fields: {
            name: { type: 'string', id: 1 },
            data_type: { type: 'DataType', id: 2 },
            dims: { rule: 'repeated', type: 'int64', id: 3 },
          },
        },
        ModelDynamicBatching: {
          fields: {
            preferred_batch_size: { rule: 'repeated', type: 'int32', id: 1 },
            max_queue_delay_microseconds: { type: 'uint64', id: 2 },
          },
        },
        ModelConfig: {
          fields: {
            name: { type: 'string', id: 1 },
            platform: { type: 'string', id: 2 },
            backend: { type: 'string', id: 17 },
            max_batch_size: { type: 'int32', id: 4 },
            input: { rule: 'repeated', type: 'ModelInput', id: 5 },
            output: { rule: 'repeated', type: 'ModelOutput', id: 6 },
            instance_group: { rule: 'repeated', type: 'ModelInstanceGroup', id: 7 },
            default_model_filename: { type: 'string', id: 8 },
            cc_model_filenames: { keyType: 'string', type: 'string', id: 9 },
            dynamic_batching: { type: 'ModelDynamicBatching', id: 11 },
          },
        },
      },
    },
  },
};

export const tritonRoot = protobuf.Root.fromJSON(descriptor);
export const ModelConfigType = tritonRoot.lookupType('inference.ModelConfig');
