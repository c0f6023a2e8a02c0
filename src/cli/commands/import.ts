import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DataError, ExitCode, UsageError } from '../../errors.js';
import { type ImportFile, importTrtexec, SUMMARY_SOURCE } from '../../import/trtexec.js';
import { writeResults } from '../../results/io.js';
import type { Results } from '../../results/schema.js';
import type { CliIO } from '../io.js';

interface ImportTrtexecFlags {
  log: string;
  times?: string;
  profile?: string;
  layers?: string;
  model?: string;
  precision?: string;
  batchSize?: string;
  device?: string;
  computeCapability?: string;
  trtVersion?: string;
  out: string;
  json?: boolean;
}

async function readInput(cwd: string, file: string, what: string): Promise<ImportFile> {
  const path = resolve(cwd, file);
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (error) {
    throw new DataError(`${path}: cannot read the ${what}: ${(error as Error).message}`, path);
  }
}

export function registerImport(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const command = program
    .command('import')
    .description('turn the output of a benchmark run elsewhere into results.json');
  command
    .command('trtexec')
    .description(
      'import a trtexec run: its log alone (statistics from its summary), or with --exportTimes (per-query samples), --exportProfile/--exportLayerInfo; a failed log imports as a failed entry (exit 3)',
    )
    .requiredOption('--log <file>', 'trtexec output (stdout and stderr), TensorRT 8.x, 10.x or 11.x')
    .option(
      '--times <file>',
      'the --exportTimes JSON of the same run: per-query latency samples (needed by the statistical threshold model)',
    )
    .option('--profile <file>', 'the --exportProfile JSON of the same engine: per-layer times')
    .option(
      '--layers <file>',
      'the --exportLayerInfo JSON (with --profile): layer types, precisions, tactics',
    )
    .option('--model <name>', 'model name (default: the --onnx / --loadEngine file name in the log)')
    .option('--precision <precision>', 'fp32, fp16, bf16 or int8 (default: the precision flags in the log)')
    .option('--batch-size <n>', 'batch size (default: first dimension of the first input in the log)')
    .option('--device <name>', 'GPU name, when the log has no device information block')
    .option('--compute-capability <x.y>', 'GPU compute capability, when the log has none')
    .option('--trt-version <x.y.z>', 'TensorRT version, when the log shows none')
    .option('-o, --out <dir>', 'directory for results.json', 'trt-gate-results')
    .option('--json', 'print the results as JSON on stdout')
    .action(async (flags: ImportTrtexecFlags) => {
      let batchSize: number | undefined;
      if (flags.batchSize !== undefined) {
        if (!/^\d+$/.test(flags.batchSize) || Number(flags.batchSize) < 1) {
          throw new UsageError(
            `--batch-size: expected a positive integer, got ${JSON.stringify(flags.batchSize)}`,
          );
        }
        batchSize = Number(flags.batchSize);
      }
      const { results, warnings } = importTrtexec({
        log: await readInput(io.cwd, flags.log, 'trtexec log'),
        ...(flags.times ? { times: await readInput(io.cwd, flags.times, '--exportTimes file') } : {}),
        ...(flags.profile ? { profile: await readInput(io.cwd, flags.profile, '--exportProfile file') } : {}),
        ...(flags.layers ? { layers: await readInput(io.cwd, flags.layers, '--exportLayerInfo file') } : {}),
        ...(flags.model !== undefined ? { model: flags.model } : {}),
        ...(flags.precision !== undefined ? { precision: flags.precision } : {}),
        ...(batchSize !== undefined ? { batchSize } : {}),
        ...(flags.device !== undefined ? { device: flags.device } : {}),
        ...(flags.computeCapability !== undefined ? { computeCapability: flags.computeCapability } : {}),
        ...(flags.trtVersion !== undefined ? { trtVersion: flags.trtVersion } : {}),
      });
      for (const w of warnings) io.stderr(`trt-gate: warning: ${w}\n`);
      const path = await writeResults(resolve(io.cwd, flags.out), results);
      if (flags.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
      else {
        io.stdout(`${importSummary(results)}\n`); // log text: main's terminal guard neutralizes it
        io.stdout(`results: ${path}\n`);
      }
      // A failed run imports as a failed entry: exit 3, as for a model that failed in `trt-gate run`.
      setExit(results.entries[0]!.status === 'failed' ? ExitCode.modelFailed : ExitCode.ok);
    });
}

/** One line about the imported entry. */
function importSummary(results: Results): string {
  const e = results.entries[0]!;
  const where = `${e.id} on ${results.environment.device.name} (TensorRT ${results.environment.runtime.version})`;
  if (e.status === 'failed') {
    const i = e.incidents[0];
    return `imported ${where}: FAILED during ${e.error?.stage ?? 'the run'}: ${i?.kind}: ${i?.title}`;
  }
  const l = e.latency;
  if (!l) return `imported ${where}: build only, no timings (the log skipped inference)`;
  const samples = l.source === SUMMARY_SOURCE ? 'from the performance summary' : `${l.pooled.count} samples`;
  const p99 = l.pooled.p99 !== undefined ? `, p99 ${l.pooled.p99.toPrecision(4)} ms` : '';
  return (
    `imported ${where}: median ${l.pooled.median.toPrecision(4)} ms${p99} (${samples})` +
    `${e.layers ? `, ${e.layers.length} layers` : ''}${e.incidents.length ? `, ${e.incidents.length} incident(s)` : ''}`
  );
}
