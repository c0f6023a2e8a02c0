/** A one-node ONNX model (Relu) with static shapes and chosen tensor names, written for a test. */
import { writeFile } from 'node:fs/promises';
import { encodeModel } from '../../examples/quickstart/models-src/builder.js';

export async function writeReluModel(
  file: string,
  input: string,
  output: string,
  shape: number[],
): Promise<string> {
  await writeFile(
    file,
    encodeModel({
      name: 'relu',
      inputs: [{ name: input, dtype: 'float', shape }],
      outputs: [{ name: output, dtype: 'float', shape }],
      initializers: [],
      nodes: [{ op: 'Relu', inputs: [input], outputs: [output] }],
    }),
  );
  return file;
}
