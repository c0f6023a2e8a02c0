import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { diffEngines } from '../../engine-diff/diff.js';
import { type ExportFile, loadSide } from '../../engine-diff/load.js';
import { engineDiffMarkdown, engineDiffText } from '../../engine-diff/render.js';
import type { EngineEnvironment } from '../../engine-diff/side.js';
import { DataError, UsageError } from '../../errors.js';
import type { CliIO } from '../io.js';

interface DiffEnginesFlags {
  baseProfile?: string;
  candidateProfile?: string;
  baseTrt?: string;
  candidateTrt?: string;
  baseDevice?: string;
  candidateDevice?: string;
  limit?: string;
  json?: boolean;
  markdown?: boolean;
}

async function readExport(cwd: string, file: string): Promise<ExportFile> {
  const path = resolve(cwd, file);
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (error) {
    throw new DataError(`${path}: cannot read the trtexec export: ${(error as Error).message}`, path);
  }
}

function environment(tensorrt: string | undefined, device: string | undefined): EngineEnvironment {
  return { ...(tensorrt ? { tensorrt } : {}), ...(device ? { device } : {}) };
}

export function registerDiffEngines(program: Command, io: CliIO): void {
  program
    .command('diff-engines')
    .description(
      'per-layer diff of two TensorRT engines from their trtexec exports (--exportLayerInfo with --profilingVerbosity=detailed, and/or --exportProfile): layers added, removed or fused differently, tactic, precision and format changes, time per layer, and the likely cause (environment, graph-change, precision-change, tactic-drift, identical, undetermined)',
    )
    .argument('<base>', 'the base engine: its --exportLayerInfo JSON (or its --exportProfile JSON alone)')
    .argument('<candidate>', 'the candidate engine: the same kind of file')
    .option('--base-profile <file>', "the base engine's --exportProfile JSON (per-layer times)")
    .option('--candidate-profile <file>', "the candidate engine's --exportProfile JSON")
    .option('--base-trt <version>', 'TensorRT version the base engine was built with')
    .option('--candidate-trt <version>', 'TensorRT version the candidate engine was built with')
    .option('--base-device <name>', 'GPU the base engine was built for')
    .option('--candidate-device <name>', 'GPU the candidate engine was built for')
    .option('--limit <n>', 'show at most n rows, largest time change first')
    .option('--markdown', 'print Markdown (for a PR comment or job summary)')
    .option('--json', 'print the diff as JSON')
    .action(async (baseFile: string, candidateFile: string, flags: DiffEnginesFlags) => {
      if (flags.json && flags.markdown) throw new UsageError('--json and --markdown: choose one');
      let limit: number | undefined;
      if (flags.limit !== undefined) {
        if (!/^\d+$/.test(flags.limit)) {
          throw new UsageError(
            `--limit: expected a non-negative integer, got ${JSON.stringify(flags.limit)}`,
          );
        }
        limit = Number(flags.limit);
      }
      const files = async (main: string, profile: string | undefined) => [
        await readExport(io.cwd, main),
        ...(profile ? [await readExport(io.cwd, profile)] : []),
      ];
      const base = loadSide(
        await files(baseFile, flags.baseProfile),
        environment(flags.baseTrt, flags.baseDevice),
      );
      const candidate = loadSide(
        await files(candidateFile, flags.candidateProfile),
        environment(flags.candidateTrt, flags.candidateDevice),
      );
      const diff = diffEngines(base, candidate, limit !== undefined ? { limit } : {});
      if (flags.json) io.stdout(`${JSON.stringify(diff, null, 2)}\n`);
      else if (flags.markdown) io.stdout(engineDiffMarkdown(diff));
      else io.stdout(engineDiffText(diff));
    });
}
