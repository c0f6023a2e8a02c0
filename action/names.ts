import { AGGREGATE_FILE, RESULTS_FILE } from '../src/app/artifacts.js';

export { COMPARE_METHODS, type CompareMethod } from '../src/app/pr-gate.js';

import { STORE_TYPES, type StoreType } from '../src/store/registry.js';

/**
 * Every input and output name of the GitHub Action, in one place. action.yml declares the same
 * names (test/action/action-yml.test.ts checks that the two agree, and that each input reaches the
 * node step as an `INPUT_*` variable).
 */

export const Input = {
  config: 'config',
  mode: 'mode',
  githubToken: 'github-token',
  store: 'store',
  dataBranch: 'data-branch',
  dataRemote: 'data-remote',
  storePath: 'store-path',
  comment: 'comment',
  commentKey: 'comment-key',
  commentAuthor: 'comment-author',
  check: 'check',
  checkName: 'check-name',
  failOn: 'fail-on',
  resultsDir: 'results-dir',
  resultsFiles: 'results-files',
  releaseThresholds: 'release-thresholds',
  maxResultsMb: 'max-results-mb',
  onnxruntimeNodeDir: 'onnxruntime-node-dir',
  expectedArchitectures: 'expected-architectures',
  forkResults: 'fork-results',
  compare: 'compare',
  baseDir: 'base-dir',
  keepBase: 'keep-base',
  nightlyIssues: 'nightly-issues',
  publishDashboard: 'publish-dashboard',
} as const;
export type InputName = (typeof Input)[keyof typeof Input];

export const Output = {
  verdict: 'verdict',
  regressions: 'regressions',
  resultsPath: 'results-path',
  reportPath: 'report-path',
  releasePath: 'release-path',
  basePath: 'base-path',
} as const;
export const MODES = ['pr', 'baseline', 'aggregate', 'release'] as const;
export type Mode = (typeof MODES)[number];

/**
 * What a fork's results may decide. A fork can change the benchmark workflow in its own PR and
 * upload made-up results, so its verdict is only advisory: `advisory` reports it saying so;
 * `require-trusted` never lets it turn the check green (a maintainer's run on a trusted runner must).
 */
export const FORK_RESULTS = ['advisory', 'require-trusted'] as const;
export type ForkResults = (typeof FORK_RESULTS)[number];

/** The store kinds the `store` input takes: every store type but `none` (the Action needs a store). */
export const STORES = STORE_TYPES.filter((t): t is Exclude<StoreType, 'none'> => t !== 'none');
export type StoreKind = (typeof STORES)[number];

/**
 * baseline mode: whether regression issues are managed after the append. `auto`: on `schedule`
 * events (the nightly), off otherwise; `true`/`false` force it.
 */
export const NIGHTLY_ISSUES = ['auto', 'true', 'false'] as const;
export type NightlyIssues = (typeof NIGHTLY_ISSUES)[number];

export const COMMENT_MODES = ['always', 'on-change', 'never'] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

/**
 * The environment variable an input arrives in, as the tests set it: upper case, `-` and spaces as
 * `_`, e.g. `github-token` → `INPUT_GITHUB_TOKEN`. The runner's own spelling for a node24 action
 * (`INPUT_GITHUB-TOKEN`, what @actions/core reads) is accepted too.
 */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/[ -]/g, '_').toUpperCase()}`;
}

/** Files written to `results-dir`. */
export const Files = {
  results: RESULTS_FILE,
  aggregate: AGGREGATE_FILE,
  report: 'report.md',
  releaseReport: 'release-report.md',
  /** release mode: the Triton repository, SHA256SUMS and its release report, under results-dir. */
  release: 'release',
  /** baseline mode with keep-base: the kept base side (src/ab/base-bundle.ts), under results-dir. */
  keptBase: 'trt-gate-base',
  html: 'report.html',
  json: 'report.json',
} as const;

/** Default largest results file read (artifacts from untrusted jobs included). */
export const DEFAULT_MAX_RESULTS_MB = 20;
