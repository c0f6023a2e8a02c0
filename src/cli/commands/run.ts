import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import type { TrtGateConfig } from '../../config/schema.js';
import { ExitCode, UsageError } from '../../errors.js';
import { runPipeline } from '../../pipeline/run.js';
import { writeResults } from '../../results/io.js';
import { createRunner } from '../../runners/create.js';
import type { CliIO } from '../io.js';
import { StderrProgress } from '../progress.js';
import { resultsTable } from '../results-table.js';
import { colorsFor } from '../terminal.js';

interface RunFlags {
  config: string;
  out: string;
  json?: boolean;
  quiet?: boolean;
  model?: string[];
  precision?: string[];
  sha?: string;
  ref?: string;
}

/** A `--model`/`--precision` that matches nothing is a typo, not an empty (passing) run. */
function checkSelection(config: TrtGateConfig, flags: RunFlags): void {
  const names = config.models.map((m) => m.name);
  for (const name of flags.model ?? []) {
    if (!names.includes(name))
      throw new UsageError(`--model ${name}: no such model in the config (have: ${names.join(', ')})`);
  }
  const precisions = new Set(config.models.flatMap((m) => m.precisions));
  for (const p of flags.precision ?? []) {
    if (!precisions.has(p as never)) {
      throw new UsageError(
        `--precision ${p}: no model in the config has it (have: ${[...precisions].join(', ')})`,
      );
    }
  }
}

export function registerRun(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('build, benchmark and check accuracy of every model × precision in the config')
    .option('-c, --config <file>', 'config file', 'trt-gate.yml')
    .option('-o, --out <dir>', 'directory for results.json and reports', 'trt-gate-results')
    .option('--json', 'print results as JSON on stdout instead of a table')
    .option('-q, --quiet', 'no progress on stderr')
    .option('--model <names...>', 'run only these models')
    .option('--precision <precisions...>', 'run only these precisions')
    .option('--sha <sha>', 'commit the run is for (recorded in results.json)')
    .option('--ref <ref>', 'branch or tag the run is for (recorded in results.json)')
    .action(async (flags: RunFlags) => {
      const loaded = await loadConfig(resolve(io.cwd, flags.config));
      const outDir = resolve(io.cwd, flags.out);
      checkSelection(loaded.config, flags);
      const runner = createRunner(loaded, outDir);
      const observer =
        flags.quiet || flags.json
          ? undefined
          : new StderrProgress(colorsFor(io.stderrStream, io.env), (l) => io.stderr(`${l}\n`));
      let results;
      try {
        results = await runPipeline({
          loaded,
          runner,
          workDir: outDir,
          observer,
          source: { sha: flags.sha, ref: flags.ref },
          only: (p) =>
            (!flags.model || flags.model.includes(p.model.name)) &&
            (!flags.precision || flags.precision.includes(p.precision)),
        });
      } finally {
        await runner.close();
      }
      const path = await writeResults(outDir, results);
      if (flags.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
      else {
        io.stdout(`${resultsTable(results, colorsFor(io.stdoutStream, io.env))}\n`);
        io.stdout(`\nresults: ${path}\n`);
      }
      setExit(results.entries.some((e) => e.status === 'failed') ? ExitCode.modelFailed : ExitCode.ok);
    });
}
