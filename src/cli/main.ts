import { Command, CommanderError } from 'commander';
import { ExitCode, TrtGateError } from '../errors.js';
import { toolVersion } from '../version.js';
import { registerBaseline } from './commands/baseline.js';
import { registerCompare } from './commands/compare.js';
import { registerDashboard } from './commands/dashboard.js';
import { registerExport } from './commands/export.js';
import { registerHistory } from './commands/history.js';
import { registerImport } from './commands/import.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerSchema } from './commands/schema.js';
import { type CliIO, processIO } from './io.js';

/**
 * Parses argv, runs one command and returns its exit code. The bin script is the only place that
 * hands the code to the process.
 */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command('trt-gate')
    .description('CI regression gate and benchmarks for TensorRT engines (ONNX Runtime CPU by default)')
    .version(toolVersion(), '-V, --version')
    .showHelpAfterError('(run trt-gate --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.addHelpText(
    'after',
    '\nExit codes: 0 ok · 1 gate failed (regression) · 2 usage or config error · 3 a model failed to build or run · 4 unreadable store or results file',
  );
  registerRun(program, io, setExit);
  registerImport(program, io, setExit);
  registerCompare(program, io, setExit);
  registerReport(program, io);
  registerExport(program, io);
  registerBaseline(program, io);
  registerHistory(program, io);
  registerDashboard(program, io);
  registerSchema(program, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof TrtGateError) {
      io.stderr(`trt-gate: ${error.message.replace(/\n/g, '\ntrt-gate: ')}\n`);
      return error.exitCode;
    }
    io.stderr(`trt-gate: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return ExitCode.internal;
  }
}
