import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openBaseSide } from '../../ab/base-side.js';
import { runAb } from '../../ab/run.js';
import { loadConfig } from '../../config/load.js';
import { type TrtGateConfig, Verdict } from '../../config/schema.js';
import { ExitCode, UsageError } from '../../errors.js';
import { noBaselines } from '../../gate/gate.js';
import { gateResults, storeLookup } from '../../pipeline/gate.js';
import type { PlannedEntry } from '../../pipeline/plan.js';
import { inconclusiveLatency, remeasure } from '../../pipeline/remeasure.js';
import { runPipeline } from '../../pipeline/run.js';
import type { Results } from '../../results/schema.js';
import { createRunner } from '../../runners/create.js';
import { speedupText } from '../../speedup/speedup.js';
import { sweepTables } from '../../sweep/format.js';
import { abSummary } from '../ab-summary.js';
import { gateSummary } from '../gate-summary.js';
import type { CliIO } from '../io.js';
import { writeOutputs } from '../outputs.js';
import { StderrProgress } from '../progress.js';
import { resultsTable } from '../results-table.js';
import { openStore } from '../store-options.js';
import { colorsFor } from '../terminal.js';

interface RunFlags {
  config: string;
  out: string;
  json?: boolean;
  quiet?: boolean;
  model?: string[];
  precision?: string[];
  sha?: string;
  ref?: string;
  store?: string;
  compare: boolean;
  saveBaseline?: boolean;
  failOn?: string;
  against?: string;
  abMaxSeconds?: string;
  abMaxPairs?: string;
}

function positiveNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(n > 0)) throw new UsageError(`${flag} ${text}: expected a positive number`);
  return n;
}

/** A `--model`/`--precision` that matches nothing is a typo, not an empty (passing) run. */
function checkSelection(config: TrtGateConfig, flags: RunFlags): void {
  const names = config.models.map((m) => m.name);
  for (const name of flags.model ?? []) {
    if (!names.includes(name))
      throw new UsageError(`--model ${name}: no such model in the config (have: ${names.join(', ')})`);
  }
  const precisions = new Set(config.models.flatMap((m) => m.precisions));
  for (const p of flags.precision ?? []) {
    if (!precisions.has(p as never)) {
      throw new UsageError(
        `--precision ${p}: no model in the config has it (have: ${[...precisions].join(', ')})`,
      );
    }
  }
}

export function parseFailOn(text: string): Verdict[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => {
      const parsed = Verdict.safeParse(v);
      if (!parsed.success)
        throw new UsageError(`--fail-on ${v}: expected verdicts among ${Verdict.options.join(', ')}`);
      return parsed.data;
    });
}

/** Exit code of a finished run: a model that failed wins, then a failing gate. */
export function runExitCode(results: Results): number {
  if (results.entries.some((e) => e.status === 'failed')) return ExitCode.modelFailed;
  if (results.gate?.conclusion === 'fail') return ExitCode.gateFailed;
  return ExitCode.ok;
}

export function registerRun(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('run')
    .description(
      'build, benchmark and check accuracy of every model × precision; compare with the baseline store',
    )
    .option('-c, --config <file>', 'config file', 'trt-gate.yml')
    .option('-o, --out <dir>', 'directory for results.json and reports', 'trt-gate-results')
    .option('--json', 'print results as JSON on stdout instead of a table')
    .option('-q, --quiet', 'no progress on stderr')
    .option('--model <names...>', 'run only these models')
    .option('--precision <precisions...>', 'run only these precisions')
    .option('--store <dir>', 'compare with this filesystem baseline store (overrides baseline.store)')
    .option('--no-compare', 'do not compare with the baseline store')
    .option('--save-baseline', 'append this run to the baseline store after comparing (also: baseline.save)')
    .option('--fail-on <verdicts>', 'comma-separated verdicts that fail the gate (overrides gate.failOn)')
    .option(
      '--against <ref-or-dir>',
      'A/B in this job: also build the base side (a git ref, e.g. the PR merge-base, or a directory) and judge on interleaved block pairs',
    )
    .option('--ab-max-seconds <s>', 'A/B measurement budget of the whole job (overrides ab.maxSeconds)')
    .option(
      '--ab-max-pairs <n>',
      'A/B block pairs per entry before it stops unsettled (overrides ab.maxPairs)',
    )
    .option('--sha <sha>', 'commit the run is for (recorded in results.json)')
    .option('--ref <ref>', 'branch or tag the run is for (recorded in results.json)')
    .action(async (flags: RunFlags) => {
      const loaded = await loadConfig(resolve(io.cwd, flags.config));
      checkSelection(loaded.config, flags);
      const gateConfig = {
        ...loaded.config.gate,
        ...(flags.failOn ? { failOn: parseFailOn(flags.failOn) } : {}),
      };
      const storeFlags = { config: flags.config, store: flags.store };
      const { store, historySize } = await openStore(storeFlags, io, false);
      const outDir = resolve(io.cwd, flags.out);
      const runner = createRunner(loaded, outDir);
      const observer =
        flags.quiet || flags.json
          ? undefined
          : new StderrProgress(colorsFor(io.stderrStream, io.env), io.stderr, Boolean(io.stderrStream.isTTY));
      let results: Results;
      const only = (p: PlannedEntry) =>
        (!flags.model || flags.model.includes(p.model.name)) &&
        (!flags.precision || flags.precision.includes(p.precision));
      const budget = {
        ...(flags.abMaxSeconds ? { maxSeconds: positiveNumber('--ab-max-seconds', flags.abMaxSeconds) } : {}),
        ...(flags.abMaxPairs
          ? { maxPairs: Math.ceil(positiveNumber('--ab-max-pairs', flags.abMaxPairs)!) }
          : {}),
      };
      try {
        if (flags.against) {
          const base = await openBaseSide(flags.against, flags.config, io.cwd);
          results = await runAb({
            candidate: loaded,
            base,
            runner,
            workDir: outDir,
            observer,
            source: { sha: flags.sha, ref: flags.ref },
            only,
            budget,
            failOn: gateConfig.failOn,
          });
        } else {
          results = await runPipeline({
            loaded,
            runner,
            workDir: outDir,
            observer,
            source: { sha: flags.sha, ref: flags.ref },
            only,
          });
          // Always gated: without a store, accuracy limits and static thresholds still apply.
          const comparing = store !== undefined && flags.compare;
          const settings = { thresholds: loaded.config.thresholds, gate: gateConfig };
          const lookup = comparing ? storeLookup(store) : noBaselines;
          results = await gateResults(results, lookup, settings);
          const unsure = comparing ? inconclusiveLatency(results) : [];
          if (unsure.length > 0 && gateConfig.maxRerunTrials > 0) {
            io.stderr(
              flags.quiet
                ? ''
                : `re-measuring ${unsure.length} inconclusive entr${unsure.length > 1 ? 'ies' : 'y'}\n`,
            );
            const more = await remeasure(results, unsure, {
              loaded,
              runner,
              workDir: outDir,
              extraTrials: gateConfig.maxRerunTrials,
              observer,
            });
            results = await gateResults(more, lookup, settings);
          }
        }
      } finally {
        await runner.close();
      }
      const written = await writeOutputs(outDir, results);
      if (flags.saveBaseline || loaded.config.baseline.save) {
        if (!store)
          throw new UsageError('--save-baseline: no baseline store configured (baseline.store or --store)');
        const outcome = await store.append(results, { historySize });
        io.stderr(`baseline: stored ${outcome.written.length} key(s) in ${store.description}\n`);
      }
      if (flags.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
      else {
        const c = colorsFor(io.stdoutStream, io.env);
        io.stdout(`${resultsTable(results, c)}\n`);
        if (!store && !flags.against)
          io.stdout('\n(no baseline store configured: only accuracy limits and static thresholds apply)\n');
        const speedup = speedupText(results);
        if (speedup) io.stdout(`\n${speedup}\n`);
        const sweeps = sweepTables(results, c);
        if (sweeps) io.stdout(`\n${sweeps}\n`);
        const gate = gateSummary(results, c);
        const ab = abSummary(results, c);
        if (ab) io.stdout(`\n${ab}\n`);
        if (gate) io.stdout(`\n${gate}\n`);
        io.stdout(`\nresults: ${written.results}\nreport:  ${written.markdown}\n         ${written.html}\n`);
      }
      setExit(runExitCode(results));
    });
}
