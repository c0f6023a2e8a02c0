/** Accuracy runs: one `trtexec --loadEngine --loadInputs --exportOutput` run per sample, outputs read back. */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../../errors.js';
import type { TensorSet } from '../../inputs/tensor.js';
import { runOptions, runShapes } from './flag-options.js';
import { benchmarkArgs } from './flags.js';
import { runFailure, unreadable, writeRunLog } from './incidents.js';
import { succeeded } from './invoke.js';
import { parseExportOutput } from './parse/export-output.js';
import { type EngineRun, runTrtexec, writeRunInputs } from './run-context.js';
import { outputsToTensorSet } from './tensors.js';

export async function inferOutputs(run: EngineRun, feeds: TensorSet[]): Promise<TensorSet[]> {
  const { setup, engine, dir } = run;
  const shapes = runShapes(engine.request, run.dynamic);
  const outputs: TensorSet[] = [];
  for (const [i, feed] of feeds.entries()) {
    const loadInputs = await writeRunInputs(run, join(dir, `infer-${i}`), feed, 'accuracy');
    const outFile = join(dir, `output-${i}.json`);
    const argv = benchmarkArgs(
      runOptions(
        setup.options,
        {
          loadEngine: engine.artifactPath,
          shapes,
          loadInputs,
          warmUpMs: 0,
          iterations: 1,
          durationS: 0,
          exportOutput: outFile,
        },
        false,
      ),
      setup.version,
    );
    const invocation = await runTrtexec(setup, argv, 'run');
    if (!succeeded(invocation)) {
      const logFile = await writeRunLog(engine.request, `infer-${i}`, invocation);
      throw runFailure(setup, 'accuracy', invocation, logFile);
    }
    try {
      outputs.push(outputsToTensorSet(parseExportOutput(await readFile(outFile, 'utf8'), outFile)));
    } catch (error) {
      const logFile = await writeRunLog(engine.request, `infer-${i}`, invocation);
      if (error instanceof DataError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw unreadable('accuracy', (error as Error).message, logFile);
      }
      throw error;
    }
    await rm(join(dir, `infer-${i}`), { recursive: true, force: true });
  }
  return outputs;
}
