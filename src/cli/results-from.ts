import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readResults } from '../results/io.js';
import type { Results } from '../results/schema.js';
import type { CliIO } from './io.js';

/** `--from <results.json...>`: the results files a command reads (report, export, release). */
export function withResultsFrom(command: Command, description: string): Command {
  return command.requiredOption('--from <results.json...>', description);
}

/** Results files named on the command line, relative to its working directory, each validated. */
export function readResultsFiles(io: CliIO, files: readonly string[] = []): Promise<Results[]> {
  return Promise.all(files.map((f) => readResults(resolve(io.cwd, f))));
}
