import type { CliIO } from '../../src/cli/io.js';

export interface FakeIO {
  io: CliIO;
  readonly stdout: string;
  readonly stderr: string;
}

/** A CliIO that captures output; streams only answer `isTTY`. */
export function fakeIO(options: { cwd: string; env?: NodeJS.ProcessEnv; isTTY?: boolean }): FakeIO {
  let stdout = '';
  let stderr = '';
  const stream = { isTTY: options.isTTY ?? false } as unknown as NodeJS.WriteStream;
  return {
    io: {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      stdoutStream: stream,
      stderrStream: stream,
      env: options.env ?? {},
      cwd: options.cwd,
    },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}
