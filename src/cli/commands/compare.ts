import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { GateConfig, TrtGateConfig } from '../../config/schema.js';
import { compareTwoResults } from '../../gate/gate.js';
import { readResults } from '../../results/io.js';
import { gateSummary } from '../gate-summary.js';
import type { CliIO } from '../io.js';
import { writeOutputs } from '../outputs.js';
import { colorsFor } from '../terminal.js';
import { parseFailOn, runExitCode } from './run.js';

interface CompareFlags {
  baseline: string;
  candidate: string;
  config?: string;
  out: string;
  json?: boolean;
  failOn?: string;
}

export function registerCompare(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('compare')
    .description('compare two results files (candidate against baseline) and decide the gate')
    .requiredOption('--baseline <results.json>', 'the reference run')
    .requiredOption('--candidate <results.json>', 'the run to judge')
    .option('-c, --config <file>', 'take thresholds and gate settings from this config (default: built-in)')
    .option(
      '-o, --out <dir>',
      'write results.json (candidate + comparisons) and reports here',
      'trt-gate-compare',
    )
    .option('--json', 'print the candidate with comparisons as JSON')
    .option('--fail-on <verdicts>', 'comma-separated verdicts that fail the gate')
    .action(async (flags: CompareFlags) => {
      const baseline = await readResults(resolve(io.cwd, flags.baseline));
      const candidate = await readResults(resolve(io.cwd, flags.candidate));
      const settings = flags.config
        ? (await loadConfig(resolve(io.cwd, flags.config))).config
        : { thresholds: TrtGateConfig.shape.thresholds.parse(undefined), gate: GateConfig.parse({}) };
      const gate = { ...settings.gate, ...(flags.failOn ? { failOn: parseFailOn(flags.failOn) } : {}) };
      const report = await compareTwoResults(baseline, candidate, { thresholds: settings.thresholds, gate });
      const results = { ...candidate, comparisons: report.comparisons, gate: report.gate };
      const written = await writeOutputs(resolve(io.cwd, flags.out), results);
      if (flags.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
      else
        io.stdout(
          `${gateSummary(results, colorsFor(io.stdoutStream, io.env))}\n\nreport: ${written.markdown}\n`,
        );
      setExit(runExitCode(results));
    });
}
