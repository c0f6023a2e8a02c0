/**
 * Typed errors carry the process exit code they map to; only the CLI (and the Action's main) turn
 * them into an exit. Codes follow the README: 0 pass, 1 gate failed, 2 usage/config, 3 a model
 * failed to build or run, 4 a store or result file could not be read or written safely.
 */
export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  usage: 2,
  modelFailed: 3,
  data: 4,
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class TrtGateError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One problem in a user-supplied file: which file, where in it, and what was expected. */
export interface Issue {
  file: string;
  path: string;
  message: string;
}

export function formatIssue(issue: Issue): string {
  return issue.path ? `${issue.file}: ${issue.path}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}

/** A config or other input file is invalid; lists every problem found, not just the first. */
export class ConfigError extends TrtGateError {
  constructor(readonly issues: Issue[]) {
    super(issues.map(formatIssue).join('\n'), ExitCode.usage);
  }
}

export class UsageError extends TrtGateError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** A stored file (baseline, results) is unreadable, corrupt, or of a schema this version cannot read. */
export class DataError extends TrtGateError {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message, ExitCode.data);
  }
}
