import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeRunArtifacts } from '../../app/artifacts.js';
import { outcomeExitCode } from '../../app/exit-code.js';
import { recordBaselines } from '../../app/record-baselines.js';
import { releaseGated } from '../../app/release-gated.js';
import { runAbAndGate } from '../../app/run-ab.js';
import { runAndGate } from '../../app/run-and-gate.js';
import { loadSettings, parseFailOn } from '../../app/settings.js';
import { DEFAULT_CONFIG_FILE } from '../../config/load.js';
import type { TrtGateConfig } from '../../config/schema.js';
import { ExitCode, UsageError } from '../../errors.js';
import type { PlannedEntry } from '../../pipeline/plan.js';
import { speedupText } from '../../speedup/speedup.js';
import { sweepTables } from '../../sweep/format.js';
import { abSummary } from '../ab-summary.js';
import { gateSummary } from '../gate-summary.js';
import type { CliIO } from '../io.js';
import { StderrProgress } from '../progress.js';
import { resultsTable } from '../results-table.js';
import { addStoreFlags, openStore, type StoreFlags } from '../store-options.js';
import { colorsFor } from '../terminal.js';

interface RunFlags extends StoreFlags {
  config: string;
  out: string;
  json?: boolean;
  quiet?: boolean;
  model?: string[];
  precision?: string[];
  sha?: string;
  ref?: string;
  compare: boolean;
  saveBaseline?: boolean;
  failOn?: string;
  against?: string;
  abMaxSeconds?: string;
  abMaxPairs?: string;
  mode: string;
  releaseOut?: string;
  releaseThresholds?: string;
}

const RUN_MODES = ['gate', 'release'] as const;

/** `--mode release`: compared with the production baseline unless another namespace is named. */
function checkMode(flags: RunFlags): void {
  if (!(RUN_MODES as readonly string[]).includes(flags.mode)) {
    throw new UsageError(`--mode ${flags.mode}: expected one of ${RUN_MODES.join(', ')}`);
  }
  if (flags.mode === 'release') {
    if (flags.against) throw new UsageError('--mode release compares with production: drop --against');
    if (!flags.compare)
      throw new UsageError('--mode release needs the comparison with production: drop --no-compare');
    flags.namespace ??= ':production';
  } else if (flags.releaseOut || flags.releaseThresholds) {
    throw new UsageError('--release-out and --release-thresholds need --mode release');
  }
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

export function registerRun(program: Command, io: CliIO, setExit: (code: number) => void): void {
  addStoreFlags(
    program
      .command('run')
      .description(
        'build, benchmark and check accuracy of every model × precision; compare with the baseline store',
      )
      .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
      .option('-o, --out <dir>', 'directory for results.json and reports', 'trt-gate-results')
      .option('--json', 'print results as JSON on stdout instead of a table')
      .option('-q, --quiet', 'no progress on stderr')
      .option('--model <names...>', 'run only these models')
      .option('--precision <precisions...>', 'run only these precisions'),
  )
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
    .option(
      '--mode <mode>',
      'gate: compare and gate; release: gate against the production baseline (namespace :production), then write a Triton repository and a release report of what passed',
      'gate',
    )
    .option('--release-out <dir>', 'release mode: where the Triton repository goes (default: <out>/release)')
    .option(
      '--release-thresholds <file-or-yaml>',
      "release mode: thresholds overriding the config's (a YAML/JSON file or an inline mapping)",
    )
    .option('--sha <sha>', 'commit the run is for (recorded in results.json)')
    .option('--ref <ref>', 'branch or tag the run is for (recorded in results.json)')
    .action(async (flags: RunFlags) => {
      checkMode(flags);
      const { settings, loaded } = await loadSettings({
        configFile: flags.config,
        cwd: io.cwd,
        runnable: true,
        failOn: flags.failOn ? parseFailOn(flags.failOn) : undefined,
        releaseThresholds: flags.releaseThresholds,
      });
      checkSelection(settings.config, flags);
      const { store, historySize, label } = await openStore(flags, io, false);
      try {
        const outDir = resolve(io.cwd, flags.out);
        const observer =
          flags.quiet || flags.json
            ? undefined
            : new StderrProgress(
                colorsFor(io.stderrStream, io.env),
                io.stderr,
                Boolean(io.stderrStream.isTTY),
              );
        const only = (p: PlannedEntry) =>
          (!flags.model || flags.model.includes(p.model.name)) &&
          (!flags.precision || flags.precision.includes(p.precision));
        const source = { sha: flags.sha, ref: flags.ref };
        const results = flags.against
          ? await runAbAndGate({
              loaded: loaded!,
              against: flags.against,
              configFile: flags.config,
              cwd: io.cwd,
              outDir,
              observer,
              source,
              only,
              budget: {
                ...(flags.abMaxSeconds
                  ? { maxSeconds: positiveNumber('--ab-max-seconds', flags.abMaxSeconds) }
                  : {}),
                ...(flags.abMaxPairs
                  ? { maxPairs: Math.ceil(positiveNumber('--ab-max-pairs', flags.abMaxPairs)!) }
                  : {}),
              },
              failOn: settings.gate.gate.failOn,
            })
          : await runAndGate({
              loaded: loaded!,
              outDir,
              observer,
              source,
              only,
              store: flags.compare ? store : undefined,
              settings: settings.gate,
              onRemeasure: (ids) => {
                if (!flags.quiet) {
                  io.stderr(`re-measuring ${ids.length} inconclusive entr${ids.length > 1 ? 'ies' : 'y'}\n`);
                }
              },
            });
        const written = await writeRunArtifacts(outDir, results);
        if (flags.saveBaseline || settings.config.baseline.save) {
          if (!store) {
            throw new UsageError('--save-baseline: no baseline store configured (baseline.store or --store)');
          }
          const [outcome] = await recordBaselines(store, [results], historySize);
          io.stderr(`baseline: stored ${outcome!.written.length} key(s) for ${label}\n`);
        }
        if (flags.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
        else {
          const c = colorsFor(io.stdoutStream, io.env);
          io.stdout(`${resultsTable(results, c)}\n`);
          if (!store && !flags.against) {
            io.stdout('\n(no baseline store configured: only accuracy limits and static thresholds apply)\n');
          }
          const speedup = speedupText(results);
          if (speedup) io.stdout(`\n${speedup}\n`);
          const sweeps = sweepTables(results, c);
          if (sweeps) io.stdout(`\n${sweeps}\n`);
          const gate = gateSummary(results, c);
          const ab = abSummary(results, c);
          if (ab) io.stdout(`\n${ab}\n`);
          if (gate) io.stdout(`\n${gate}\n`);
          io.stdout(
            `\nresults: ${written.results}\nreport:  ${written.markdown}\n         ${written.html}\n`,
          );
        }
        const exit = outcomeExitCode([results], results.gate);
        if (flags.mode === 'release') {
          const decision = await releaseGated({
            compared: [results],
            loaded: loaded!,
            out: resolve(outDir, flags.releaseOut ? resolve(io.cwd, flags.releaseOut) : 'release'),
          });
          if (!decision.released) {
            io.stderr(`trt-gate: ${decision.refused}\n`);
            setExit(exit === ExitCode.ok ? ExitCode.gateFailed : exit);
            return;
          }
          const r = decision.released;
          if (flags.json) io.stderr(`release: ${r.out}\n`);
          else {
            io.stdout(`\nreleased (compared with ${label}):\n`);
            for (const m of r.models)
              io.stdout(`  ${m.name} (${m.platform}): ${Object.keys(m.files).join(', ')}\n`);
            io.stdout(`  ${r.out}/model_repository, ${r.out}/release-report.md, ${r.out}/SHA256SUMS\n`);
          }
        }
        setExit(exit);
      } finally {
        await store?.close();
      }
    });
}
