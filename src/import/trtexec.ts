/**
 * `trt-gate import trtexec`: the output of a trtexec run made elsewhere (its log, and optionally its
 * --exportTimes / --exportProfile / --exportLayerInfo files) as a normal results.json.
 *
 * A log alone imports. Nothing is invented: every number comes from the files; what the log does not
 * show (GPU, TensorRT version, model, precision, batch size) is `unknown`, named in ONE warning with
 * every flag that would complete it; a flag that contradicts the log is a usage error. Without --times
 * the statistics are the summary's, and `latency.absent` lists what a summary never prints (stddev,
 * CV; p90/p95 before 10.x), `latency.missing` what a cut log lost. A failed log imports as a `failed`
 * entry with its classified incident. 7.x summaries and fragments without the banner are read.
 *
 * ./trtexec-input.ts checks the command line, ./trtexec-identity.ts reads what was measured,
 * ./trtexec-outcome.ts whether it failed, ./trtexec-latency.ts the timings, ./trtexec-results.ts
 * assembles results.json.
 */
import { DataError } from '../errors.js';
import type { LayerTiming, Results } from '../results/schema.js';
import { matchingRule } from '../runners/trtexec/classify.js';
import { parseBuildLog } from '../runners/trtexec/parse/build-log.js';
import { parseExportLayerInfo } from '../runners/trtexec/parse/export-layer-info.js';
import { parseExportProfile } from '../runners/trtexec/parse/export-profile.js';
import { parseLegacySummary } from '../runners/trtexec/parse/legacy-summary.js';
import {
  type PerformanceSummary,
  parsePerformanceSummary,
} from '../runners/trtexec/parse/performance-summary.js';
import { bannerCommand, resolveIdentity, unknownWarning } from './trtexec-identity.js';
import { checkUsage, type TrtexecImportInput } from './trtexec-input.js';
import { importLatency } from './trtexec-latency.js';
import { crashAfterPass, importedFailure } from './trtexec-outcome.js';
import { importedResults } from './trtexec-results.js';

export { bannerCommand } from './trtexec-identity.js';
export type { ImportFile, TrtexecImportInput } from './trtexec-input.js';
export { SUMMARY_SOURCE } from './trtexec-latency.js';

export interface TrtexecImport {
  results: Results;
  /** At most one: what the log did not show, and the flags that would complete it. */
  warnings: string[];
}

const TRTEXEC_SIGNS =
  /&&&& (?:RUNNING|PASSED|FAILED) TensorRT\.trtexec|TensorRT version:\s*\d|=== (?:Performance summary|Device Information|Model Options|Build Options|Inference Options) ===|\] Error Code \d+: /;

/** A trtexec log, a fragment of one, or a TensorRT log whose failure the rule table recognises. */
function recognisable(text: string, summary: PerformanceSummary | undefined): boolean {
  if (summary || TRTEXEC_SIGNS.test(text)) return true;
  const failure = {
    stage: 'build' as const,
    exitCode: null,
    stdout: text,
    stderr: '',
    timedOut: false,
    signal: null,
  };
  return matchingRule(failure) !== 'fallback';
}

/** trtexec said it skipped inference (or was told to) and the build passed. */
function buildOnly(text: string, args: string[] | undefined): boolean {
  const told =
    /Skipped inference phase since --skipInference/.test(text) ||
    (args ?? []).some((a) => /^--(?:skipInference|buildOnly)$/.test(a));
  return told && (/&&&& PASSED TensorRT\.trtexec/.test(text) || /Engine built in [\d.]+ sec/.test(text));
}

const ECHO: ReadonlyArray<[string, RegExp]> = [
  ['dataTransfers', /\] Data transfers: (Enabled|Disabled)\b/],
  ['spinWait', /\] Spin-wait: (Enabled|Disabled)\b/],
  ['cudaGraph', /\] CUDA Graph: (Enabled|Disabled)\b/],
];

/**
 * What the run measured, from the Inference Options echo (`Data transfers: Enabled`, `Spin-wait:`,
 * `CUDA Graph:`): each field the log shows, `unknown` for one it does not; undefined when it shows none.
 */
function measurementEcho(text: string): Record<string, boolean | 'unknown'> | undefined {
  const seen = ECHO.map(([field, re]) => [field, re.exec(text)?.[1]] as const);
  if (seen.every(([, v]) => v === undefined)) return undefined;
  return Object.fromEntries(seen.map(([field, v]) => [field, v === undefined ? 'unknown' : v === 'Enabled']));
}

export function importTrtexec(input: TrtexecImportInput): TrtexecImport {
  const usage = checkUsage(input);
  const { log } = input;
  const src = log.path;
  const summary = parsePerformanceSummary(log.text, src) ?? parseLegacySummary(log.text, src);
  if (!recognisable(log.text, summary)) {
    throw new DataError(
      `${src}: not a trtexec log (no "&&&& RUNNING TensorRT.trtexec" banner, "TensorRT version:" line, device block, performance summary or recognisable TensorRT error)`,
      src,
    );
  }
  const args = bannerCommand(log.text);
  const build = parseBuildLog(log.text, src);
  const identity = resolveIdentity(input, usage, args, build);
  const failure = importedFailure(log.text, args, summary !== undefined);

  let layers: LayerTiming[] | undefined;
  if (input.profile) {
    const info = input.layers ? parseExportLayerInfo(input.layers.text, input.layers.path) : undefined;
    layers = parseExportProfile(input.profile.text, input.profile.path, info).layers;
  }
  const measurement = measurementEcho(log.text);
  const run = { input, args, build, summary, identity, layers, ...(measurement ? { measurement } : {}) };
  const warning = unknownWarning(src, identity.unknown);
  const warnings = warning ? [warning] : [];
  if (failure) return { results: importedResults({ ...run, failure }), warnings };

  if (!summary && !input.times && buildOnly(log.text, args)) {
    // A build without inference (--skipInference / --buildOnly): an entry with its build facts, no timings.
    return { results: importedResults({ ...run, buildOnly: true }), warnings };
  }
  const latency = importLatency(src, input.times, summary, args, identity.version);
  const crash = crashAfterPass(log.text);
  if (crash) latency.incidents.push(crash);
  return { results: importedResults({ ...run, latency }), warnings };
}
