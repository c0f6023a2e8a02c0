import { ExitCode } from '../errors.js';
import type { GateOutcome, Results } from '../results/schema.js';

/**
 * The exit code of finished runs, the same for the CLI and the Action: a model that failed to
 * build or run wins (3), then a failing gate (1), else 0.
 */
export function outcomeExitCode(runs: readonly Results[], gate: GateOutcome | undefined): ExitCode {
  if (runs.some((r) => r.entries.some((e) => e.status === 'failed'))) return ExitCode.modelFailed;
  if (gate?.conclusion === 'fail') return ExitCode.gateFailed;
  return ExitCode.ok;
}
