import { terminalWriter } from '../util/untrusted.js';
import { colorsFor } from './terminal.js';

/** The CLI's side effects, passed in so tests can run commands in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutStream: NodeJS.WriteStream;
  stderrStream: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutStream: process.stdout,
    stderrStream: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * The same IO with every write passed through the terminal guard (src/util/untrusted.ts): whatever
 * a command prints, names from configs, models and logs cannot drive the terminal.
 */
export function guardedIO(io: CliIO): CliIO {
  return {
    ...io,
    stdout: terminalWriter(io.stdout, {
      colors: colorsFor(io.stdoutStream, io.env).isColorSupported,
      allowCr: false,
    }),
    stderr: terminalWriter(io.stderr, {
      colors: colorsFor(io.stderrStream, io.env).isColorSupported,
      allowCr: Boolean(io.stderrStream.isTTY),
    }),
  };
}
