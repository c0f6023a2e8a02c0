/** Runs the pipeline with the trtexec runner against the doubles; shared by the runner*.test.ts files. */
import { join } from 'node:path';
import { vi } from 'vitest';
import { loadConfig } from '../../../../src/config/load.js';
import { runPipeline } from '../../../../src/pipeline/run.js';
import type { Results } from '../../../../src/results/schema.js';
import { createRunner } from '../../../../src/runners/create.js';
import { MLP, TINYCNN, type TinyModel, writeConfig } from '../../../helpers/tiny-config.js';
import {
  type Invocation,
  NVIDIA_SMI_DOUBLE,
  randomInput,
  readInvocations,
  TRTEXEC_DOUBLE,
  writeRecordedOutputs,
} from './helpers.js';

export const ACCURACY_SAMPLES = 2;

/** YAML of a trtexec config over the shipped models, with quick settings. */
export type DoubleModel = TinyModel & { inputLine?: string; lines?: string[] };

export function trtexecConfig(models: DoubleModel[], runnerExtra = '', trials = 1): string {
  const extraLines = runnerExtra.split('\n').filter((l) => l.trim() !== '');
  const defaults = [
    `path: ${JSON.stringify(TRTEXEC_DOUBLE)}`,
    `nvidiaSmi: ${JSON.stringify(NVIDIA_SMI_DOUBLE)}`,
    'health: { cooldownSec: 0, sampleIntervalMs: 200 }',
  ].filter((d) => !extraLines.some((l) => l.startsWith(d.slice(0, d.indexOf(':') + 1))));
  const lines = [
    'version: 1',
    'runner:',
    '  type: trtexec',
    ...[...defaults, ...extraLines].map((l) => `  ${l}`),
    'models:',
  ];
  for (const m of models) {
    lines.push(`  - name: ${m.name}`);
    lines.push(`    onnx: ${JSON.stringify(m.onnx)}`);
    if (m.precisions) lines.push(`    precisions: [${m.precisions.join(', ')}]`);
    lines.push(
      m.inputLine ?? `    inputs: [{ name: ${m.input.name}, shape: [${m.input.shape.join(', ')}] }]`,
    );
    for (const l of m.lines ?? []) lines.push(`    ${l}`);
  }
  lines.push(`benchmark: { warmup: 2, iterations: 20, trials: ${trials} }`);
  lines.push(`accuracy: { samples: ${ACCURACY_SAMPLES} }`);
  return `${lines.join('\n')}\n`;
}

/** Records ONNX Runtime outputs of the shipped models for the double's --exportOutput. */
export async function recordOutputs(file: string, models: TinyModel[] = [TINYCNN, MLP]): Promise<void> {
  await writeRecordedOutputs(
    file,
    models.map((m) => ({
      onnx: m.onnx,
      inputs: [randomInput(m.input.name, m.input.shape, 0)],
      samples: ACCURACY_SAMPLES,
    })),
  );
}

export interface DoubleRun {
  results: Results;
  invocations: Invocation[];
}

let runs = 0;

/** One `trt-gate run` in-process: env for the doubles, then the pipeline. */
export async function runWithDouble(
  dir: string,
  configText: string,
  env: Record<string, string> = {},
  outName = 'out',
): Promise<DoubleRun> {
  const logFile = join(dir, `trtexec-argv-${++runs}.jsonl`);
  vi.stubEnv('TRTEXEC_DOUBLE_LOG', logFile);
  vi.stubEnv('TRTEXEC_DOUBLE_OUTPUTS', join(dir, 'outputs.json'));
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  try {
    const loaded = await loadConfig(await writeConfig(dir, configText));
    const outDir = join(dir, outName);
    const runner = await createRunner(loaded, outDir);
    try {
      const results = await runPipeline({ loaded, runner, workDir: outDir });
      return { results, invocations: await readInvocations(logFile) };
    } finally {
      await runner.close();
    }
  } finally {
    vi.unstubAllEnvs();
  }
}

export { MLP, TINYCNN };
