import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../examples/quickstart/models-src/builder.js';
import { sampleModelFiles } from '../../examples/quickstart/models-src/sample-models.js';
import { ModelProto } from '../../src/onnx/proto.js';
import { REPO_ROOT } from '../helpers/tiny-config.js';

const MODELS_DIR = join(REPO_ROOT, 'examples', 'quickstart', 'models');

describe('sample models', () => {
  const files = sampleModelFiles();

  it('the committed models are exactly the generated set', async () => {
    const committed = (await readdir(MODELS_DIR)).filter((f) => f.endsWith('.onnx')).sort();
    expect(committed).toEqual(Object.keys(files).sort());
  });

  it.each(Object.keys(sampleModelFiles()))(
    'regenerating %s reproduces the committed file byte for byte',
    async (file) => {
      const generated = Buffer.from(encodeModel(files[file]!));
      const committed = await readFile(join(MODELS_DIR, file));
      expect(generated.length).toBe(committed.length);
      expect(generated.equals(committed)).toBe(true);
      expect(committed.length).toBeLessThan(1024 * 1024);
    },
  );

  it('generation is deterministic within a process (fresh graphs, same bytes)', () => {
    const a = Buffer.from(encodeModel(sampleModelFiles()['tinycnn-int8.onnx']!));
    const b = Buffer.from(encodeModel(sampleModelFiles()['tinycnn-int8.onnx']!));
    expect(a.equals(b)).toBe(true);
  });

  it('variants differ from the fp32 model and share its input/output signature', () => {
    const fp32 = encodeModel(files['tinycnn-fp32.onnx']!);
    for (const variant of ['tinycnn-fp16.onnx', 'tinycnn-int8.onnx', 'tinycnn-perturbed-fp32.onnx']) {
      const bytes = encodeModel(files[variant]!);
      expect(Buffer.from(bytes).equals(Buffer.from(fp32))).toBe(false);
      expect(files[variant]!.inputs).toEqual(files['tinycnn-fp32.onnx']!.inputs);
      expect(files[variant]!.outputs).toEqual(files['tinycnn-fp32.onnx']!.outputs);
    }
  });

  it('encodes a decodable ModelProto (IR 8, opset 17, named inputs/outputs)', () => {
    const decoded = ModelProto.toObject(ModelProto.decode(encodeModel(files['mlp-fp32.onnx']!)), {
      longs: Number,
    }) as {
      irVersion: number;
      opsetImport: Array<{ domain?: string; version: number }>;
      graph: { input: Array<{ name: string }>; output: Array<{ name: string }>; node: unknown[] };
    };
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport[0]!.version).toBe(17);
    expect(decoded.graph.input.map((i) => i.name)).toEqual(['features']);
    expect(decoded.graph.output.map((o) => o.name)).toEqual(['logits']);
    expect(decoded.graph.node.length).toBeGreaterThan(0);
  });
});
