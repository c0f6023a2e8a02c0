import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Verdict } from '../src/config/schema.js';
import { UsageError } from '../src/errors.js';
import { decide } from '../src/gate/gate.js';
import { runPipeline } from '../src/pipeline/run.js';
import { mergeGates } from '../src/report/view-model.js';
import { writeResults } from '../src/results/io.js';
import type { GateOutcome, Results } from '../src/results/schema.js';
import { createRunner } from '../src/runners/create.js';
import type { AppendOutcome } from '../src/store/types.js';
import { baselineWritePolicy, type GitHubContext } from './context.js';
import { failClosed, missingArchitectures } from './coverage.js';
import { gateAgainstStore, loadSettings, type Settings } from './gate.js';
import type { Logger } from './github/octokit.js';
import type { ActionInputs } from './inputs.js';
import { Files, type Mode } from './names.js';
import { loadResultsFiles } from './results-files.js';
import { type Namespace, namespaceLabel, openStore } from './store.js';
import type { ReportTarget } from './target.js';

export interface ModeContext {
  inputs: ActionInputs;
  ctx: GitHubContext;
  target: ReportTarget;
  /** Absolute results directory (created). */
  resultsDir: string;
  token: string | undefined;
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
  /** Whether comments and checks make sense for this mode. */
  publishesToPullRequest: boolean;
  /** Why the gate failed besides the comparisons (aggregate: a missing architecture, a corrupt file). */
  problems?: string[];
}

function configPath(m: ModeContext): string {
  return resolve(m.ctx.workspace, m.inputs.config);
}

/** The candidates: the `results-files` given (validated, size-limited), or a benchmark run here. */
async function candidates(m: ModeContext, settings: { failOn?: Verdict[]; releaseThresholds?: string }) {
  const runHere = m.inputs.resultsFiles.length === 0;
  const { settings: loadedSettings, loaded } = await loadSettings({
    configFile: configPath(m),
    runnable: runHere,
    failOn: m.inputs.failOn,
    cwd: m.ctx.workspace,
    ...settings,
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
    return { settings: loadedSettings, results, problems };
  }
  const runner = createRunner(loaded!, m.resultsDir);
  try {
    const results = await runPipeline({
      loaded: loaded!,
      runner,
      workDir: m.resultsDir,
      source: { sha: m.target.sha, ref: m.ctx.ref, event: m.ctx.eventName || undefined },
      observer: {
        onEvent: (event) => {
          if (event.type === 'environment') m.log.info(`device: ${event.description}`);
          else if (event.type === 'entry-done') {
            m.log.info(
              `${event.entry.id}: ${event.entry.status}${event.entry.error ? ` (${event.entry.error.message})` : ''}`,
            );
          }
        },
      },
    });
    return { settings: loadedSettings, results: [results], problems: [] as string[] };
  } finally {
    await runner.close();
  }
}

async function writeOutcome(m: ModeContext, compared: Results[]): Promise<string> {
  await mkdir(m.resultsDir, { recursive: true });
  if (compared.length === 1) return writeResults(m.resultsDir, compared[0]!);
  const path = join(m.resultsDir, Files.aggregate);
  await writeFile(path, `${JSON.stringify({ schemaVersion: 1, results: compared }, null, 2)}\n`);
  return path;
}

async function compareAll(
  m: ModeContext,
  ns: Namespace,
  settings: Settings,
  results: Results[],
): Promise<{ compared: Results[]; gate: GateOutcome }> {
  const opened = openStore(m.inputs, m.ctx, ns, m.token);
  try {
    m.log.info(`comparing with ${namespaceLabel(ns)} in ${opened.store.description}`);
    const compared: Results[] = [];
    for (const r of results) compared.push(await gateAgainstStore(r, opened.store, settings.gate));
    return {
      compared,
      gate: mergeGates(compared.map((c) => c.gate!)) ?? decide([], settings.gate.gate.failOn),
    };
  } finally {
    await opened.close();
  }
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
  const { settings, results, problems } = await candidates(m, {});
  const ns = prNamespace(m);
  const { compared, gate } = await compareAll(m, ns, settings, results);
  for (const arch of missingArchitectures(m.inputs.expectedArchitectures, results)) {
    problems.push(`missing architecture ${arch}: no results file from it (did its matrix job fail?)`);
  }
  if (results.length === 0 && problems.length === 0) problems.push('no results to judge');
  return {
    mode: m.inputs.mode,
    compared,
    gate: failClosed(gate, problems),
    problems,
    resultsPath: await writeOutcome(m, compared),
    reportFile: Files.report,
    baselineLabel: namespaceLabel(ns),
    publishesToPullRequest: true,
  };
}

/** aggregate: every matrix job's results.json as one report and one verdict. */
async function aggregateMode(m: ModeContext): Promise<ModeOutcome> {
  return { ...(await prMode(m)), mode: 'aggregate' };
}

/** release: candidate engines against the production baseline, with the release thresholds. */
async function releaseMode(m: ModeContext): Promise<ModeOutcome> {
  const { settings, results } = await candidates(m, { releaseThresholds: m.inputs.releaseThresholds });
  const ns: Namespace = { production: true };
  const { compared, gate } = await compareAll(m, ns, settings, results);
  return {
    mode: 'release',
    compared,
    gate,
    resultsPath: await writeOutcome(m, compared),
    reportFile: Files.releaseReport,
    baselineLabel: namespaceLabel(ns),
    publishesToPullRequest: true,
  };
}

/**
 * baseline: only for trusted events (see baselineWritePolicy); compares for the report, then
 * appends every candidate to the store (a release records the production baseline).
 */
async function baselineMode(m: ModeContext): Promise<ModeOutcome> {
  const policy = baselineWritePolicy(m.ctx); // refuses before running anything
  const ns: Namespace = 'production' in policy ? { production: true } : { branch: policy.branch };
  const { settings, results } = await candidates(m, {});
  const opened = openStore(m.inputs, m.ctx, ns, m.token);
  try {
    m.log.info(`recording baselines for ${namespaceLabel(ns)} in ${opened.store.description}`);
    const compared: Results[] = [];
    for (const r of results) compared.push(await gateAgainstStore(r, opened.store, settings.gate));
    const appended: AppendOutcome[] = [];
    for (const r of results) {
      const outcome = await opened.store.append(r, { historySize: settings.config.baseline.historySize });
      m.log.info(`stored ${outcome.written.length} baseline run(s); skipped ${outcome.skipped.length}`);
      for (const s of outcome.skipped) m.log.info(`  skipped ${s.entryId}: ${s.reason}`);
      appended.push(outcome);
    }
    return {
      mode: 'baseline',
      compared,
      gate: mergeGates(compared.map((c) => c.gate!)) ?? decide([], settings.gate.gate.failOn),
      resultsPath: await writeOutcome(m, compared),
      reportFile: Files.report,
      baselineLabel: namespaceLabel(ns),
      appended,
      publishesToPullRequest: false,
    };
  } finally {
    await opened.close();
  }
}

export const MODE_HANDLERS: Readonly<Record<Mode, (m: ModeContext) => Promise<ModeOutcome>>> = {
  pr: prMode,
  aggregate: aggregateMode,
  release: releaseMode,
  baseline: baselineMode,
};
