import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeRunArtifacts } from '../../app/artifacts.js';
import { outcomeExitCode } from '../../app/exit-code.js';
import { gateResults } from '../../app/gate-results.js';
import { loadSettings, parseFailOn } from '../../app/settings.js';
import { GateConfig, TrtGateConfig } from '../../config/schema.js';
import { lookupFromResults } from '../../gate/compare-results.js';
import { readResults } from '../../results/io.js';
import { gateSummary } from '../gate-summary.js';
import type { CliIO } from '../io.js';
import { colorsFor } from '../terminal.js';

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
      const failOn = flags.failOn ? parseFailOn(flags.failOn) : undefined;
      // A config is read for its thresholds only: the models it names need not exist here.
      const settings = flags.config
        ? (await loadSettings({ configFile: flags.config, cwd: io.cwd, runnable: false, failOn })).settings
            .gate
        : {
            thresholds: TrtGateConfig.shape.thresholds.parse(undefined),
            gate: GateConfig.parse(failOn ? { failOn } : {}),
          };
      const results = await gateResults(candidate, lookupFromResults(baseline), settings);
      const written = await writeRunArtifacts(resolve(io.cwd, flags.out), results);
      if (flags.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
      else
        io.stdout(
          `${gateSummary(results, colorsFor(io.stdoutStream, io.env))}\n\nreport: ${written.markdown}\n`,
        );
      setExit(outcomeExitCode([results], results.gate));
    });
}
