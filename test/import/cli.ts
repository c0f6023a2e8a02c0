/** `trt-gate import …` in-process, with main()'s handling of errors and exit codes. */
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerImport } from '../../src/cli/commands/import.js';
import { TrtGateError } from '../../src/errors.js';
import { readResults } from '../../src/results/io.js';
import type { Results } from '../../src/results/schema.js';
import { fakeIO } from '../helpers/fake-io.js';

export interface ImportRun {
  code: number;
  stdout: string;
  stderr: string;
  /** results.json as written (an import writes it on exit 0 and on exit 3, a failed run). */
  results?: Results;
}

export async function importCli(dir: string, args: string[]): Promise<ImportRun> {
  const io = fakeIO({ cwd: dir });
  let code = 0;
  const program = new Command('trt-gate')
    .exitOverride()
    .configureOutput({ writeOut: io.io.stdout, writeErr: io.io.stderr });
  registerImport(program, io.io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(['import', 'trtexec', ...args, '--out', 'out'], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) code = error.exitCode === 0 ? 0 : 2;
    else if (error instanceof TrtGateError) {
      io.io.stderr(`trt-gate: ${error.message}\n`);
      code = error.exitCode;
    } else throw error;
  }
  const results = code === 0 || code === 3 ? await readResults(join(dir, 'out', 'results.json')) : undefined;
  return { code, stdout: io.stdout, stderr: io.stderr, ...(results ? { results } : {}) };
}
