/**
 * Whether an imported log is a failure, and which: the same rule table as the runner
 * (../runners/trtexec/classify-rules.ts). A fragment without the banner counts when its errors are
 * recognisable. A run that printed PASSED and then crashed at exit (trtexec2 10.0.1 fixture) is a
 * success with a `crash` incident.
 */
import type { Incident, Stage } from '../results/schema.js';
import { classifyTrtexecFailure, matchingRule } from '../runners/trtexec/classify.js';
import { CRASH_TEXT } from '../runners/trtexec/classify-rules.js';
import { exitCrashIncident } from '../runners/trtexec/incidents.js';
import { parseLog } from '../runners/trtexec/parse/log.js';

const FAILED_BANNER = /&&&& FAILED TensorRT\.trtexec/;
const PASSED_BANNER = /&&&& PASSED TensorRT\.trtexec/;
const BUILD_SIGNS =
  /Start parsing network model|Parsing model failed|Failed to parse onnx|buildSerializedNetwork|Engine could not be created|Building engine|Unknown option/i;
const RUN_SIGNS =
  /deserializeCudaEngine|ExecutionContext|setInputShape|setBindingDimensions|Starting inference|enqueue/i;

/** build unless the log only shows loading or running an engine. */
function stageOf(log: string, args: string[] | undefined): Stage {
  if (args?.some((a) => a.startsWith('--onnx'))) return 'build';
  if (BUILD_SIGNS.test(log)) return 'build';
  return RUN_SIGNS.test(log) ? 'benchmark' : 'build';
}

function hasErrors(log: string): boolean {
  return parseLog(log).some((l) => l.severity === 'E' || l.severity === 'F');
}

/** The classified failure of a log that did not succeed; undefined when it does not read as a failure. */
export function importedFailure(
  log: string,
  args: string[] | undefined,
  hasSummary: boolean,
): Incident | undefined {
  const failure = { exitCode: null, stdout: log, stderr: '', timedOut: false, signal: null };
  const failed =
    FAILED_BANNER.test(log) ||
    (!hasSummary && (hasErrors(log) || matchingRule({ stage: 'build', ...failure }) !== 'fallback'));
  if (!failed) return undefined;
  return classifyTrtexecFailure({ stage: stageOf(log, args), ...failure });
}

/** A `crash` incident for a log that printed PASSED and then a crash message. */
export function crashAfterPass(log: string): Incident | undefined {
  const passed = PASSED_BANNER.exec(log);
  if (!passed) return undefined;
  const after = log.slice(passed.index);
  const crash = CRASH_TEXT.exec(after);
  if (!crash) return undefined;
  const line = after.slice(crash.index).split('\n')[0]!.trim();
  return exitCrashIncident('the process crashed', line);
}
