import { Command, CommanderError } from 'commander';
import { ExitCode, TrtGateError } from '../errors.js';
import { fsErrorToExit } from '../util/fs-errors.js';
import { neutralize } from '../util/untrusted.js';
import { toolVersion } from '../version.js';
import { COMMANDS, commandOf } from './command-catalogue.js';
import { type CliIO, guardedIO, processIO } from './io.js';

/**
 * Parses argv, runs one command and returns its exit code. The bin script is the only place that
 * hands the code to the process.
 */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  io = guardedIO(io);
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
  try {
    const name = commandOf(argv);
    if (name) {
      // Only the command that runs is imported (and with it what it needs).
      (await COMMANDS[name]!.load())(program, io, setExit);
      program.commands.find((c) => c.name() === name)?.summary(COMMANDS[name]!.summary);
    } else {
      // Help, version or an unknown command: the catalogue is enough to answer.
      for (const [command, entry] of Object.entries(COMMANDS))
        program.command(command).summary(entry.summary);
    }
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const known = error instanceof TrtGateError ? error : fsErrorToExit(error);
    if (known) {
      io.stderr(`trt-gate: ${neutralize(known.message).replace(/\n/g, '\ntrt-gate: ')}\n`);
      return known.exitCode;
    }
    io.stderr(`trt-gate: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return ExitCode.internal;
  }
}
