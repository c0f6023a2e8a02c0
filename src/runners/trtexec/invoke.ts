/**
 * Running trtexec: always an argument array (execa, never a shell), a time limit, both streams kept
 * (trtexec writes [I]/[V] lines to stdout and [W]/[E]/[F] to stderr), never throwing on a failed run.
 *
 * The TensorRT version is read from the banner trtexec prints first on every invocation, `--help`
 * included (`&&&& RUNNING TensorRT.trtexec [TensorRT v100600] [b26] # trtexec --help`).
 */
import { execa } from 'execa';
import { ConfigError } from '../../errors.js';
import { detectTrtVersion, type TrtVersion } from './parse/version.js';

export interface Invocation {
  argv: string[];
  /** null when the process was killed by a signal or could not be started. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Both streams interleaved in arrival order: the log as trtexec printed it, for parsing. */
  all: string;
  timedOut: boolean;
  /** e.g. `SIGSEGV` when the process died of a signal. */
  signal: string | null;
  durationMs: number;
  /** Set when the process could not be started at all (e.g. `ENOENT`). */
  spawnError?: { code?: string; message: string };
}

export interface InvokeOptions {
  timeoutMs: number;
  cwd?: string;
}

/** Runs `file args…` to completion; failures are returned, not thrown. */
export async function invoke(file: string, args: string[], options: InvokeOptions): Promise<Invocation> {
  const started = performance.now();
  const result = await execa(file, args, {
    reject: false,
    timeout: options.timeoutMs,
    forceKillAfterDelay: 5000,
    stdin: 'ignore',
    all: true,
    stripFinalNewline: false,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const spawnFailed = result.exitCode === undefined && !result.signal && !result.timedOut;
  return {
    argv: args,
    exitCode: result.exitCode ?? null,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    all: typeof result.all === 'string' ? result.all : '',
    timedOut: result.timedOut,
    signal: result.timedOut ? null : (result.signal ?? null),
    durationMs: result.durationMs ?? performance.now() - started,
    ...(spawnFailed
      ? { spawnError: { code: result.code, message: result.originalMessage ?? result.shortMessage ?? '' } }
      : {}),
  };
}

export function succeeded(run: Invocation): boolean {
  return run.exitCode === 0 && !run.timedOut && !run.signal && !run.spawnError;
}

/**
 * The log as trtexec printed it: both streams interleaved (warnings such as "GPU compute time is unstable"
 * go to stderr in the middle of the stdout summary), else stdout then stderr.
 */
export function combinedLog(run: Invocation): string {
  if (run.all !== '') return run.all;
  return [run.stdout, run.stderr].filter((s) => s !== '').join('\n');
}

export interface DetectedVersion {
  version: TrtVersion;
  /** The banner line, e.g. `&&&& RUNNING TensorRT.trtexec [TensorRT v100300] # trtexec --help`. */
  banner: string;
}

/** `trtexec --help`, read for its banner. A trtexec that cannot be run or shows no version is a config error. */
export async function detectVersion(file: string, timeoutMs: number): Promise<DetectedVersion> {
  const run = await invoke(file, ['--help'], { timeoutMs });
  const where = { file: 'trt-gate.yml', path: 'runner.path' };
  if (run.spawnError) {
    const why =
      run.spawnError.code === 'ENOENT'
        ? 'not found (install TensorRT and put trtexec on PATH, or set runner.path)'
        : run.spawnError.message;
    throw new ConfigError([{ ...where, message: `cannot run trtexec "${file}": ${why}` }]);
  }
  const log = combinedLog(run);
  const version = detectTrtVersion(log);
  if (!version) {
    const first = log.split('\n').find((l) => l.trim() !== '') ?? '(no output)';
    const how = run.timedOut
      ? 'timed out'
      : run.signal
        ? `died of ${run.signal}`
        : `exited with code ${run.exitCode}`;
    throw new ConfigError([
      {
        ...where,
        message: `"${file} --help" ${how} without a TensorRT version banner (first line: ${JSON.stringify(first.slice(0, 200))}); is it NVIDIA's trtexec?`,
      },
    ]);
  }
  const banner = log.split('\n').find((l) => l.includes('TensorRT.trtexec')) ?? version.raw;
  return { version, banner: banner.trim() };
}
