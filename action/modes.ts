import { dirname, join } from 'node:path';
import { writeBaseBundle } from '../src/ab/base-bundle.js';
import { writeComparedResults } from '../src/app/artifacts.js';
import { gateCandidates } from '../src/app/gate-results.js';
import type { NightlyOutcome } from '../src/app/history.js';
import { type BaseSpec, runPrGate } from '../src/app/pr-gate.js';
import { recordBaselines } from '../src/app/record-baselines.js';
import { type ReleaseDecision, releaseGated } from '../src/app/release-gated.js';
import { runAndGate } from '../src/app/run-and-gate.js';
import { loadSettings, type Settings } from '../src/app/settings.js';
import { type LoadedConfig, loadConfig } from '../src/config/load.js';
import { UsageError } from '../src/errors.js';
import { overallGate } from '../src/gate/merge-outcomes.js';
import type { RunObserver } from '../src/pipeline/events.js';
import type { GateOutcome, Results } from '../src/results/schema.js';
import type { AppendOutcome, BaselineStore } from '../src/store/types.js';
import { type Accepted, acceptRegressions } from './accept.js';
import { assertResultsOfHead } from './comment-trigger.js';
import { baselineWritePolicy, type GitHubContext } from './context.js';
import { failClosed, missingArchitectures } from './coverage.js';
import type { GitHubApi, Logger } from './github/octokit.js';
import type { ActionInputs } from './inputs.js';
import { Files, Input, type Mode } from './names.js';
import { runNightly } from './nightly.js';
import { loadResultsFiles } from './results-files.js';
import { type Namespace, namespaceLabel, openStore } from './store.js';
import type { ReportTarget } from './target.js';

/** The Action's modes: each parses what it needs from the inputs and calls the use cases in src/app/. */

export interface ModeContext {
  inputs: ActionInputs;
  ctx: GitHubContext;
  target: ReportTarget;
  /** Absolute results directory (created). */
  resultsDir: string;
  token: string | undefined;
  /** The REST client (undefined without a token): the baseline mode's regression issues. */
  api?: GitHubApi | undefined;
  log: Logger;
}

export interface ModeOutcome {
  mode: Mode;
  /** Every candidate, with its comparisons and gate. */
  compared: Results[];
  /** The one verdict of the whole run (merged over candidates). */
  gate: GateOutcome;
  /** results.json (one candidate) or aggregate.json (several). */
  resultsPath: string;
  /** Markdown report file name in resultsDir. */
  reportFile: string;
  baselineLabel: string;
  /** baseline mode: what each candidate's append stored. */
  appended?: AppendOutcome[];
  /** baseline mode: the history step after the append (issues, dashboard), when it ran. */
  nightly?: NightlyOutcome;
  /** Whether comments and checks make sense for this mode. */
  publishesToPullRequest: boolean;
  /** Why the gate failed besides the comparisons (aggregate: a missing architecture, a corrupt file). */
  problems?: string[];
  /** How the job was judged when it says something (A/B against the base, or why not), plain text. */
  notices?: string[];
  /** Regressions accepted on the pull request, and by whom (the audit lines of the reports). */
  accepted?: Accepted['used'];
  /** release mode: the Triton repository written, or why nothing was. */
  release?: ReleaseDecision;
  /** baseline mode with keep-base: the kept base side's directory and commit. */
  keptBase?: { path: string; commit: string; files: number };
}

/** What judged a pull request run here: A/B against `abBase`, or the history because of `fallback`. */
interface Judged {
  abBase?: string;
  fallback?: string;
}

function logObserver(log: Logger): RunObserver {
  return {
    onEvent: (event) => {
      if (event.type === 'environment') log.info(`device: ${event.description}`);
      else if (event.type === 'entry-done') {
        log.info(
          `${event.entry.id}: ${event.entry.status}${event.entry.error ? ` (${event.entry.error.message})` : ''}`,
        );
      }
    },
  };
}

/**
 * The candidates gated against `store`: the `results-files` given (validated, size-limited), or a
 * benchmark run here (with re-measuring of inconclusive latency, as in the CLI).
 */
async function gatedCandidates(
  m: ModeContext,
  store: BaselineStore,
  options: { release?: { thresholds: string }; pullRequest?: boolean } = {},
): Promise<{
  settings: Settings;
  compared: Results[];
  gate: GateOutcome;
  problems: string[];
  judged?: Judged;
  /** The config loaded with its model files (a run here). */
  loaded?: LoadedConfig;
  /** The results files read (none for a run here). */
  files: string[];
}> {
  const { release } = options;
  const runHere = m.inputs.resultsFiles.length === 0;
  const { settings, loaded } = await loadSettings({
    configFile: m.inputs.config,
    cwd: m.ctx.workspace,
    runnable: runHere,
    failOn: m.inputs.failOn,
    releaseThresholds: release?.thresholds,
  });
  if (!runHere) {
    const { files, results, unreadable } = await loadResultsFiles(
      m.inputs.resultsFiles,
      m.ctx.workspace,
      m.inputs.maxResultsBytes,
      m.inputs.mode === 'aggregate',
    );
    m.log.info(`read ${files.length} results file${files.length === 1 ? '' : 's'}`);
    for (const u of unreadable) m.log.warning(`trt-gate: ${u.message}`);
    const problems = unreadable.map((u) => `unreadable results file ${u.file}: ${u.message}`);
    // A fork's workflow could have judged its own pairs with its own config: only the history judges them.
    const dropPairs =
      m.inputs.compare === 'history'
        ? 'compare: history'
        : m.target.untrustedSource
          ? `pairs measured by a workflow run of ${m.target.untrustedSource} are not trusted`
          : undefined;
    return {
      settings,
      ...(await gateCandidates(results, store, settings.gate, dropPairs)),
      problems,
      loaded,
      files,
    };
  }
  if (options.pullRequest) {
    const { results, ...judged } = await runPrGate({
      loaded: loaded!,
      configFile: m.inputs.config,
      cwd: m.ctx.workspace,
      outDir: m.resultsDir,
      store,
      settings: settings.gate,
      compare: m.inputs.compare,
      ...baseSpec(m),
      observer: logObserver(m.log),
      source: { sha: m.target.sha, ref: m.ctx.ref, event: m.ctx.eventName || undefined },
      onRemeasure: (ids) => m.log.info(`re-measuring ${ids.length} inconclusive entries: ${ids.join(', ')}`),
      onBase: (label) => m.log.info(`same-job A/B against ${label}`),
    });
    if (judged.fallback) m.log.info(`judged by the stored history: ${judged.fallback}`);
    const gate = overallGate([results.gate!], settings.gate.gate.failOn);
    return { settings, compared: [results], gate, problems: [], judged, loaded, files: [] };
  }
  const results = await runAndGate({
    loaded: loaded!,
    outDir: m.resultsDir,
    observer: logObserver(m.log),
    source: { sha: m.target.sha, ref: m.ctx.ref, event: m.ctx.eventName || undefined },
    store,
    settings: settings.gate,
    onRemeasure: (ids) => m.log.info(`re-measuring ${ids.length} inconclusive entries: ${ids.join(', ')}`),
  });
  const gate = overallGate([results.gate!], settings.gate.gate.failOn);
  return { settings, compared: [results], gate, problems: [], loaded, files: [] };
}

/** Runs `fn` with the namespace's store open, and closes it whatever happens. */
async function withStore<T>(
  m: ModeContext,
  ns: Namespace,
  fn: (store: BaselineStore) => Promise<T>,
): Promise<T> {
  const store = openStore(m.inputs, m.ctx, ns, m.token);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The PR's base side: the `base-dir` input, else the merge-base of the PR's base and head commits. */
function baseSpec(m: ModeContext): { base: BaseSpec | undefined; noBase?: string } {
  if (m.inputs.baseDir) return { base: { kind: 'directory', dir: m.inputs.baseDir } };
  const pr = m.target.pullRequest;
  if (!pr) return { base: undefined, noBase: `not a pull request (${m.ctx.eventName || 'unknown'} event)` };
  if (!pr.baseSha) return { base: undefined, noBase: `the event names no base commit of PR #${pr.number}` };
  return { base: { kind: 'merge-base', baseSha: pr.baseSha, headSha: pr.headSha, baseRef: pr.baseRef } };
}

/** What the report says about how a pull request run was judged. */
function judgedNotices(judged: Judged | undefined, history: string): string[] {
  if (judged?.abBase) {
    return [
      `Judged by same-job A/B against ${judged.abBase}: the base and this PR measured interleaved on this runner, with an A/A control. Entries A/B could not pair are judged by the history of ${history}.`,
    ];
  }
  if (judged?.fallback) {
    return [`Judged by the stored history of ${history}, not same-job A/B: ${judged.fallback}.`];
  }
  return [];
}

function prNamespace(m: ModeContext): Namespace {
  const branch = m.target.baseBranch ?? m.ctx.defaultBranch;
  if (!branch) {
    throw new UsageError(
      `cannot tell which branch's baselines to compare with on a ${m.ctx.eventName || 'unknown'} event ` +
        `(ref ${m.ctx.ref ?? 'unset'}); run mode ${m.inputs.mode} on pull_request, workflow_run or a branch push`,
    );
  }
  return { branch };
}

/**
 * pr: this job's results against the PR base branch's baselines; never writes the store.
 * aggregate (the same, over the matrix's files) fails closed: an expected architecture without
 * results, or a results file that cannot be read, fails the gate, named, and the rest is reported.
 */
async function prMode(m: ModeContext): Promise<ModeOutcome> {
  const ns = prNamespace(m);
  const gated = await withStore(m, ns, (store) => {
    m.log.info(`comparing with ${namespaceLabel(ns)} in ${store.description}`);
    return gatedCandidates(m, store, { pullRequest: m.inputs.mode === 'pr' });
  });
  const { problems, judged } = gated;
  assertResultsOfHead(m.ctx, m.target, gated.compared);
  const { compared, gate, used, refused } = await acceptRegressions(m, gated.compared, gated.gate);
  for (const arch of missingArchitectures(m.inputs.expectedArchitectures, compared)) {
    problems.push(`missing architecture ${arch}: no results file from it (did its matrix job fail?)`);
  }
  if (compared.length === 0 && problems.length === 0) problems.push('no results to judge');
  return {
    mode: m.inputs.mode,
    compared,
    gate: failClosed(gate, problems),
    problems,
    resultsPath: await writeComparedResults(m.resultsDir, compared),
    reportFile: Files.report,
    baselineLabel: judged?.abBase
      ? `${judged.abBase} (same-job A/B) and ${namespaceLabel(ns)}`
      : namespaceLabel(ns),
    publishesToPullRequest: true,
    notices: [...judgedNotices(judged, namespaceLabel(ns)), ...refused.map((r) => `Not accepted: ${r}.`)],
    accepted: used,
  };
}

/** aggregate: every matrix job's results.json as one report and one verdict. */
async function aggregateMode(m: ModeContext): Promise<ModeOutcome> {
  return { ...(await prMode(m)), mode: 'aggregate' };
}

/**
 * release: candidate engines against the production baseline, with the release thresholds; when
 * everything passed (every expected architecture present, nothing regressed or inconclusive), the
 * Triton repository and release report go to `<results-dir>/release` (the `release-path` output,
 * for an artifact upload). Otherwise nothing is written and the gate fails, saying why.
 */
async function releaseMode(m: ModeContext): Promise<ModeOutcome> {
  const ns: Namespace = { production: true };
  const gated = await withStore(m, ns, (store) => {
    m.log.info(`comparing with ${namespaceLabel(ns)} in ${store.description}`);
    return gatedCandidates(m, store, { release: { thresholds: m.inputs.releaseThresholds ?? '' } });
  });
  const { compared, problems } = gated;
  for (const arch of missingArchitectures(m.inputs.expectedArchitectures, compared)) {
    problems.push(`missing architecture ${arch}: no results file from it (did its matrix job fail?)`);
  }
  const decision = await releaseGated({
    compared,
    // A release reads the models' signatures: the config's model files must be here then.
    loaded: gated.loaded ?? (() => loadConfig(m.inputs.config, m.ctx.workspace)),
    out: join(m.resultsDir, Files.release),
    problems,
    // Engines downloaded beside their results files (the recorded paths are the matrix jobs').
    artifactDirs: [...new Set(gated.files.map((f) => dirname(f)))],
  });
  if (decision.released) m.log.info(`released to ${decision.released.out}`);
  else m.log.warning(`trt-gate: ${decision.refused}`);
  return {
    mode: 'release',
    compared,
    // The refusal names every blocking problem (those above included): one entry, not two.
    gate: failClosed(gated.gate, decision.refused ? [decision.refused] : []),
    problems: decision.refused ? [decision.refused] : [],
    resultsPath: await writeComparedResults(m.resultsDir, compared),
    reportFile: Files.releaseReport,
    baselineLabel: namespaceLabel(ns),
    publishesToPullRequest: true,
    release: decision,
  };
}

/**
 * baseline: only for trusted events (see baselineWritePolicy); compares for the report, then
 * appends every candidate to the store (a release records the production baseline).
 */
async function baselineMode(m: ModeContext): Promise<ModeOutcome> {
  const policy = baselineWritePolicy(m.ctx); // refuses before running anything
  const ns: Namespace = 'production' in policy ? { production: true } : { branch: policy.branch };
  const { compared, gate, appended, nightly, problems, loaded } = await withStore(m, ns, async (store) => {
    m.log.info(`recording baselines for ${namespaceLabel(ns)} in ${store.description}`);
    const gated = await gatedCandidates(m, store);
    const outcomes = await recordBaselines(store, gated.compared, gated.settings.config.baseline.historySize);
    for (const outcome of outcomes) {
      m.log.info(`stored ${outcome.written.length} baseline run(s); skipped ${outcome.skipped.length}`);
      for (const s of outcome.skipped) m.log.info(`  skipped ${s.entryId}: ${s.reason}`);
    }
    const written = outcomes.flatMap((o) => o.written.map((w) => w.key));
    const history = await runNightly(m, store, written);
    return {
      ...gated,
      appended: outcomes,
      nightly: history.outcome,
      // Both: an unreadable results file must fail the step as in every other mode.
      problems: [...gated.problems, ...history.problems],
    };
  });
  const keptBase = m.inputs.keepBase
    ? await keepBase(m, loaded, 'branch' in ns ? ns.branch : undefined)
    : undefined;
  return {
    mode: 'baseline',
    ...(keptBase ? { keptBase } : {}),
    compared,
    gate: failClosed(gate, problems),
    problems,
    resultsPath: await writeComparedResults(m.resultsDir, compared),
    reportFile: Files.report,
    baselineLabel: namespaceLabel(ns),
    appended,
    ...(nightly ? { nightly } : {}),
    publishesToPullRequest: false,
  };
}

/**
 * baseline mode's keep-base: the config and every file it names, from the workspace, with a
 * manifest of this commit and each file's sha256, for pull requests to measure against.
 */
async function keepBase(
  m: ModeContext,
  loaded: LoadedConfig | undefined,
  branch: string | undefined,
): Promise<ModeOutcome['keptBase']> {
  const commit = m.ctx.sha;
  if (!commit)
    throw new UsageError(`input ${Input.keepBase}: GITHUB_SHA is not set, so the kept base has no commit`);
  const config = loaded ?? (await loadConfig(m.inputs.config, m.ctx.workspace));
  const path = join(m.resultsDir, Files.keptBase);
  const manifest = await writeBaseBundle(config, m.ctx.workspace, path, {
    commit,
    ...(branch ? { branch } : {}),
  });
  m.log.info(`kept the base side of ${commit.slice(0, 12)} (${manifest.files.length} files) in ${path}`);
  return { path, commit, files: manifest.files.length };
}

export const MODE_HANDLERS: Readonly<Record<Mode, (m: ModeContext) => Promise<ModeOutcome>>> = {
  pr: prMode,
  aggregate: aggregateMode,
  release: releaseMode,
  baseline: baselineMode,
};
