/**
 * `trt-gate import trtexec`: the output of a trtexec run made elsewhere (its log, and optionally its
 * --exportTimes / --exportProfile / --exportLayerInfo files) as a normal results.json.
 *
 * Nothing is invented: every number comes from the files, a value the schema needs and the files lack is
 * either given on the command line (model, precision, batch size, GPU, TensorRT version) or the import is
 * refused with a DataError (exit 4) that says what is missing. Latency samples come from --times; without
 * it, the statistics come from the performance summary and `latency.source` says so — when the summary
 * lacks a statistic results.json requires (standard deviation, coefficient of variation, a percentile),
 * the import is refused rather than filled with a made-up value.
 *
 * ./trtexec-input.ts checks the command line, ./trtexec-identity.ts reads what was measured,
 * ./trtexec-latency.ts the timings, ./trtexec-results.ts assembles results.json.
 */
import { DataError } from '../errors.js';
import type { LayerTiming, Results } from '../results/schema.js';
import { parseBuildLog } from '../runners/trtexec/parse/build-log.js';
import { parseExportLayerInfo } from '../runners/trtexec/parse/export-layer-info.js';
import { parseExportProfile } from '../runners/trtexec/parse/export-profile.js';
import { parsePerformanceSummary } from '../runners/trtexec/parse/performance-summary.js';
import { bannerCommand, looksLikeTrtexec, resolveIdentity, resolveVersion } from './trtexec-identity.js';
import { checkUsage, type TrtexecImportInput } from './trtexec-input.js';
import { importLatency } from './trtexec-latency.js';
import { importedResults } from './trtexec-results.js';

export { bannerCommand } from './trtexec-identity.js';
export type { ImportFile, TrtexecImportInput } from './trtexec-input.js';
export { SUMMARY_SOURCE } from './trtexec-latency.js';

export function importTrtexec(input: TrtexecImportInput): Results {
  const usage = checkUsage(input);
  const { log } = input;
  const src = log.path;
  if (!looksLikeTrtexec(log.text)) {
    throw new DataError(
      `${src}: not a trtexec log (no "&&&& RUNNING TensorRT.trtexec" banner, "TensorRT version:" line, device block or performance summary)`,
      src,
    );
  }
  const args = bannerCommand(log.text);
  const version = resolveVersion(input, usage);
  const build = parseBuildLog(log.text, src);
  const summary = parsePerformanceSummary(log.text, src);
  const identity = resolveIdentity(input, usage, version, args, build);
  const latency = importLatency(src, input.times, summary, args);

  let layers: LayerTiming[] | undefined;
  if (input.profile) {
    const info = input.layers ? parseExportLayerInfo(input.layers.text, input.layers.path) : undefined;
    layers = parseExportProfile(input.profile.text, input.profile.path, info).layers;
  }
  return importedResults({ input, args, version, build, summary, identity, latency, layers });
}
