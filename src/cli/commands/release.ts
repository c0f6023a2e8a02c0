import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { release } from '../../release/release.js';
import type { CliIO } from '../io.js';
import { readResultsFiles, withResultsFrom } from '../results-from.js';

interface ReleaseFlags {
  from: string[];
  production?: string[];
  config: string;
  out: string;
  json?: boolean;
}

export function registerRelease(program: Command, io: CliIO): void {
  withResultsFrom(
    program
      .command('release')
      .description(
        'write a Triton model repository (config.pbtxt, engines, SHA256SUMS) and a release report for candidate runs that passed the gate',
      ),
    'the candidate runs (one per GPU architecture)',
  )
    .option('--production <results.json...>', 'the runs now in production, to report what changes')
    .option('-c, --config <file>', 'the config the runs used (models, inputs)', 'trt-gate.yml')
    .option('-o, --out <dir>', 'where to write the release', 'trt-gate-release')
    .option('--json', 'print what was written as JSON')
    .action(async (flags: ReleaseFlags) => {
      const loaded = await loadConfig(resolve(io.cwd, flags.config));
      const candidates = await readResultsFiles(io, flags.from);
      const production = await readResultsFiles(io, flags.production);
      const outcome = await release({ candidates, production, loaded, out: resolve(io.cwd, flags.out) });
      if (flags.json) io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
      else {
        for (const m of outcome.models)
          io.stdout(`${m.name} (${m.platform}): ${Object.keys(m.files).join(', ')}\n`);
        io.stdout(
          `release: ${outcome.out}/model_repository, ${outcome.out}/release-report.md, ${outcome.out}/SHA256SUMS\n`,
        );
      }
    });
}
