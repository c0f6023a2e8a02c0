import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a model shipped in examples/quickstart/models. */
export function shippedModel(file: string): string {
  return join(REPO_ROOT, 'examples', 'quickstart', 'models', file);
}

/** Tiny benchmark/accuracy settings so the suite stays quick on two cores. */
export const TINY_SETTINGS = `benchmark: { warmup: 2, iterations: 20, trials: 2 }
accuracy: { samples: 4 }
`;

export interface TinyModel {
  name: string;
  onnx: string;
  precisions?: string[];
  variants?: Record<string, string>;
  input: { name: string; shape: number[] };
}

export const TINYCNN: TinyModel = {
  name: 'tinycnn',
  onnx: shippedModel('tinycnn-fp32.onnx'),
  input: { name: 'image', shape: [1, 3, 32, 32] },
};

export const MLP: TinyModel = {
  name: 'mlp',
  onnx: shippedModel('mlp-fp32.onnx'),
  input: { name: 'features', shape: [1, 64] },
};

/** YAML text of a config for the given models (absolute paths), with tiny settings. */
export function tinyConfigText(models: TinyModel[], extra = ''): string {
  const lines = [
    'version: 1',
    'runner: { type: onnxruntime, intraOpThreads: 1, interOpThreads: 1 }',
    'models:',
  ];
  for (const m of models) {
    lines.push(`  - name: ${m.name}`);
    lines.push(`    onnx: ${JSON.stringify(m.onnx)}`);
    if (m.precisions) lines.push(`    precisions: [${m.precisions.join(', ')}]`);
    if (m.variants) {
      lines.push('    variants:');
      for (const [p, file] of Object.entries(m.variants)) lines.push(`      ${p}: ${JSON.stringify(file)}`);
    }
    lines.push(`    inputs: [{ name: ${m.input.name}, shape: [${m.input.shape.join(', ')}] }]`);
  }
  return `${lines.join('\n')}\n${TINY_SETTINGS}${extra}`;
}

/** A fresh temporary directory; `cleanup` removes it. */
export async function tempDir(
  prefix = 'trt-gate-test-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `text` as DIR/trt-gate.yml and returns its path. */
export async function writeConfig(dir: string, text: string, name = 'trt-gate.yml'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** Writes a file that is not an ONNX model (for build-failure tests) and returns its path. */
export async function writeGarbageModel(dir: string, name = 'broken.onnx'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, Buffer.from('this is not an ONNX protobuf \u0000\u0001\u0002 garbage'));
  return path;
}
