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
