/**
 * Refusing runner options this TensorRT cannot honour (ConfigError, exit 2), with issue paths that name
 * the option the user wrote: ./flags.ts reports `runner.extraFlags[i]`, and this runner has two such lists.
 */
import { ConfigError, type Issue } from '../../errors.js';
import { buildOptions, runOptions } from './flag-options.js';
import { benchmarkArgs, buildArgs, UnsupportedOptionError } from './flags.js';
import type { TrtexecOptions } from './options.js';
import type { TrtVersion } from './parse/version.js';

/** Precision flags come from `models[].precisions`; they may not be smuggled in through extraBuildFlags. */
const PRECISION_FLAGS = ['fp16', 'bf16', 'int8', 'best'];

/** Options-level checks that need no TensorRT version: also run by the factory's checkConfig. */
export function staticOptionIssues(options: TrtexecOptions): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  options.extraBuildFlags.forEach((flag, i) => {
    const name = /^--([A-Za-z0-9]+)/.exec(flag)?.[1];
    if (name && PRECISION_FLAGS.includes(name)) {
      issues.push({
        path: `runner.extraBuildFlags[${i}]`,
        message: `--${name} sets the precision, which comes from models[].precisions (one engine per precision)`,
      });
    }
  });
  return issues;
}

function renameIssues(error: unknown, extraKey: string, precisionPath?: string): unknown {
  if (!(error instanceof ConfigError)) return error;
  const issues: Issue[] = error.issues.map((i) => ({
    ...i,
    path: i.path
      .replace(/^runner\.extraFlags/, `runner.${extraKey}`)
      .replace(/^runner\.precision$/, precisionPath ?? 'runner.precision'),
  }));
  return error instanceof UnsupportedOptionError
    ? new UnsupportedOptionError(issues, error.tensorrt)
    : new ConfigError(issues);
}

/** `makeArgs()`, with the paths of any flag issue renamed to the runner option they came from. */
export function argsFor(
  extraKey: 'extraBuildFlags' | 'extraRunFlags',
  makeArgs: () => string[],
  precisionPath?: string,
): string[] {
  try {
    return makeArgs();
  } catch (error) {
    throw renameIssues(error, extraKey, precisionPath);
  }
}

/** Checks the options against the detected version by assembling a build and a benchmark command. */
export function validateOptions(options: TrtexecOptions, version: TrtVersion): void {
  const staticIssues = staticOptionIssues(options);
  if (staticIssues.length > 0)
    throw new ConfigError(staticIssues.map((i) => ({ file: 'trt-gate.yml', ...i })));
  argsFor('extraBuildFlags', () =>
    buildArgs(
      buildOptions(options, { onnx: 'model.onnx', saveEngine: 'model.engine', precision: 'fp32' }),
      version,
    ),
  );
  argsFor('extraRunFlags', () =>
    benchmarkArgs(
      runOptions(options, { loadEngine: 'model.engine', iterations: 1, exportTimes: 'times.json' }),
      version,
    ),
  );
}
