import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { release } from '../../release/release.js';
import { readResults } from '../../results/io.js';
import type { CliIO } from '../io.js';

interface ReleaseFlags {
  from: string[];
  production?: string[];
  config: string;
  out: string;
  json?: boolean;
}

export function registerRelease(program: Command, io: CliIO): void {
  program
    .command('release')
    .description(
      'write a Triton model repository (config.pbtxt, engines, SHA256SUMS) and a release report for candidate runs that passed the gate',
    )
    .requiredOption('--from <results.json...>', 'the candidate runs (one per GPU architecture)')
    .option('--production <results.json...>', 'the runs now in production, to report what changes')
    .option('-c, --config <file>', 'the config the runs used (models, inputs)', 'trt-gate.yml')
    .option('-o, --out <dir>', 'where to write the release', 'trt-gate-release')
    .option('--json', 'print what was written as JSON')
    .action(async (flags: ReleaseFlags) => {
      const loaded = await loadConfig(resolve(io.cwd, flags.config));
      const candidates = await Promise.all(flags.from.map((f) => readResults(resolve(io.cwd, f))));
      const production = await Promise.all(
        (flags.production ?? []).map((f) => readResults(resolve(io.cwd, f))),
      );
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
