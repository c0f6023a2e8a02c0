import { splitVerdicts } from '../src/app/settings.js';
import { Verdict } from '../src/config/schema.js';
import { UsageError } from '../src/errors.js';
import { normaliseStorePath } from '../src/store/git-branch-options.js';
import {
  COMMENT_MODES,
  COMPARE_METHODS,
  type CommentMode,
  type CompareMethod,
  DEFAULT_MAX_RESULTS_MB,
  FORK_RESULTS,
  type ForkResults,
  Input,
  type InputName,
  inputEnvName,
  MODES,
  type Mode,
  NIGHTLY_ISSUES,
  type NightlyIssues,
  STORES,
  type StoreKind,
} from './names.js';

export interface ActionInputs {
  config: string;
  mode: Mode;
  /** Empty when not given: nothing is posted to GitHub. */
  githubToken: string | undefined;
  store: StoreKind;
  /** Undefined: the store's default data branch. */
  dataBranch: string | undefined;
  /** The data branch's remote; default: this repository on the GitHub server. */
  dataRemote: string | undefined;
  /** git-branch: directory in the branch; filesystem: local directory. Default per store. */
  storePath: string | undefined;
  comment: CommentMode;
  commentKey: string | undefined;
  commentAuthor: string | undefined;
  check: boolean;
  checkName: string;
  /** Undefined: the config's `gate.failOn`. */
  failOn: Verdict[] | undefined;
  resultsDir: string;
  /** Paths or glob patterns, one per line; empty: run the benchmark in this job. */
  resultsFiles: string[];
  releaseThresholds: string | undefined;
  maxResultsBytes: number;
  /** aggregate: architectures the matrix must have produced results for (fail closed on a gap). */
  expectedArchitectures: string[];
  forkResults: ForkResults;
  /** pr mode, benchmark run here: same-job A/B against the PR base, the stored history, or A/B where possible. */
  compare: CompareMethod;
  /** The base side from a directory (what the base branch's baseline job kept) instead of git. */
  baseDir: string | undefined;
  /** baseline mode: keep the base side (config and files, verified by a manifest) for pull requests. */
  keepBase: boolean;
  /** baseline mode: manage regression issues after the append (see NIGHTLY_ISSUES). */
  nightlyIssues: NightlyIssues;
  /** baseline mode: directory the dashboard is published to (data branch, or workspace for filesystem). */
  publishDashboard: string | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** An input's raw value (trimmed; `undefined` when empty), in either `INPUT_*` spelling. */
export function rawInput(env: Env, name: InputName): string | undefined {
  const value = env[inputEnvName(name)] ?? env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function oneOf<T extends string>(
  env: Env,
  name: InputName,
  options: readonly T[],
  fallback: T,
  problems: string[],
): T {
  const value = rawInput(env, name);
  if (value === undefined) return fallback;
  if ((options as readonly string[]).includes(value)) return value as T;
  problems.push(`input ${name}: expected one of ${options.join(', ')}, got ${JSON.stringify(value)}`);
  return fallback;
}

function bool(env: Env, name: InputName, fallback: boolean, problems: string[]): boolean {
  const value = rawInput(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['true', 'yes', '1', 'on'].includes(value)) return true;
  if (['false', 'no', '0', 'off'].includes(value)) return false;
  problems.push(`input ${name}: expected true or false, got ${JSON.stringify(value)}`);
  return fallback;
}

/** Lines of a multi-line input, without blanks and `#` comments. */
export function inputLines(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Parses and validates every input; one UsageError lists every problem. Pure. */
export function readInputs(env: Env): ActionInputs {
  const problems: string[] = [];
  const failOnRaw = rawInput(env, Input.failOn);
  let failOn: Verdict[] | undefined;
  if (failOnRaw !== undefined) {
    const { verdicts, unknown } = splitVerdicts(failOnRaw);
    failOn = verdicts;
    for (const part of unknown) {
      problems.push(
        `input ${Input.failOn}: unknown verdict ${JSON.stringify(part)} (known: ${Verdict.options.join(', ')})`,
      );
    }
  }
  const commentKey = rawInput(env, Input.commentKey);
  if (commentKey !== undefined && !/^[A-Za-z0-9._/-]{1,64}$/.test(commentKey)) {
    problems.push(`input ${Input.commentKey}: expected 1-64 letters, digits, ".", "_", "/" or "-"`);
  }
  const commentAuthor = rawInput(env, Input.commentAuthor);
  if (commentAuthor !== undefined && !/^[A-Za-z0-9-]{1,39}(\[bot\])?$/.test(commentAuthor)) {
    problems.push(`input ${Input.commentAuthor}: expected a GitHub login such as my-app[bot]`);
  }
  const checkName = rawInput(env, Input.checkName) ?? 'trt-gate';
  if (checkName.length > 100 || /[\r\n]/.test(checkName)) {
    problems.push(`input ${Input.checkName}: expected one line of at most 100 characters`);
  }
  const maxMbRaw = rawInput(env, Input.maxResultsMb);
  let maxMb = DEFAULT_MAX_RESULTS_MB;
  if (maxMbRaw !== undefined) {
    maxMb = Number(maxMbRaw);
    if (!Number.isFinite(maxMb) || maxMb <= 0 || maxMb > 1024) {
      problems.push(`input ${Input.maxResultsMb}: expected a number of megabytes between 0 and 1024`);
      maxMb = DEFAULT_MAX_RESULTS_MB;
    }
  }
  const inputs: ActionInputs = {
    config: rawInput(env, Input.config) ?? 'trt-gate.yml',
    mode: oneOf(env, Input.mode, MODES, 'pr', problems),
    githubToken: rawInput(env, Input.githubToken),
    store: oneOf(env, Input.store, STORES, 'git-branch', problems),
    dataBranch: rawInput(env, Input.dataBranch),
    dataRemote: rawInput(env, Input.dataRemote),
    storePath: rawInput(env, Input.storePath),
    comment: oneOf(env, Input.comment, COMMENT_MODES, 'always', problems),
    commentKey,
    commentAuthor,
    check: bool(env, Input.check, true, problems),
    checkName,
    failOn,
    resultsDir: rawInput(env, Input.resultsDir) ?? 'trt-gate-results',
    resultsFiles: inputLines(env[inputEnvName(Input.resultsFiles)] ?? env['INPUT_RESULTS-FILES']),
    releaseThresholds: rawInput(env, Input.releaseThresholds),
    maxResultsBytes: Math.round(maxMb * 1024 * 1024),
    expectedArchitectures: inputLines(env[inputEnvName(Input.expectedArchitectures)]).flatMap((l) =>
      l
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    ),
    forkResults: oneOf(env, Input.forkResults, FORK_RESULTS, 'advisory', problems),
    compare: oneOf(env, Input.compare, COMPARE_METHODS, 'auto', problems),
    baseDir: rawInput(env, Input.baseDir),
    keepBase: bool(env, Input.keepBase, false, problems),
    nightlyIssues: oneOf(env, Input.nightlyIssues, NIGHTLY_ISSUES, 'auto', problems),
    publishDashboard: rawInput(env, Input.publishDashboard),
  };
  problems.push(...nightlyInputProblems(inputs));
  if (inputs.mode === 'aggregate' && inputs.resultsFiles.length === 0) {
    problems.push(
      `input ${Input.resultsFiles}: mode aggregate needs the results.json files of the matrix jobs`,
    );
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return inputs;
}

/** The nightly inputs only make sense in the baseline mode, and issues need a token. */
function nightlyInputProblems(inputs: ActionInputs): string[] {
  const problems: string[] = [];
  if (inputs.mode !== 'baseline') {
    if (inputs.nightlyIssues === 'true')
      problems.push(`input ${Input.nightlyIssues}: only the baseline mode manages regression issues`);
    if (inputs.publishDashboard !== undefined)
      problems.push(`input ${Input.publishDashboard}: only the baseline mode publishes the dashboard`);
    if (inputs.keepBase) problems.push(`input ${Input.keepBase}: only the baseline mode keeps the base side`);
  }
  if (inputs.nightlyIssues === 'true' && !inputs.githubToken)
    problems.push(`input ${Input.nightlyIssues}: true needs a github-token with issues: write`);
  const dir = inputs.publishDashboard;
  if (dir !== undefined) {
    try {
      normaliseStorePath(dir);
    } catch {
      problems.push(
        `input ${Input.publishDashboard}: expected a relative directory such as docs (no "..", not the root), got ${JSON.stringify(dir)}`,
      );
    }
  }
  return problems;
}
