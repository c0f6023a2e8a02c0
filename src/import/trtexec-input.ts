/** What `trt-gate import trtexec` is given, and the command-line values checked before any file is read. */
import { Precision } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { parseVersionString, type TrtVersion } from '../runners/trtexec/parse/version.js';

export interface ImportFile {
  path: string;
  text: string;
}

export interface TrtexecImportInput {
  log: ImportFile;
  times?: ImportFile;
  profile?: ImportFile;
  layers?: ImportFile;
  /** Overrides, or values the log does not carry. */
  model?: string;
  precision?: string;
  batchSize?: number;
  device?: string;
  computeCapability?: string;
  trtVersion?: string;
}

export interface CheckedUsage {
  precision?: Precision;
  version?: TrtVersion;
}

/** Command-line values checked before any file is read (UsageError, exit 2). */
export function checkUsage(input: TrtexecImportInput): CheckedUsage {
  if (input.layers && !input.profile) {
    throw new UsageError(
      '--layers adds layer types, precisions and tactics to --profile; give --profile too',
    );
  }
  if (input.batchSize !== undefined && (!Number.isInteger(input.batchSize) || input.batchSize < 1)) {
    throw new UsageError('--batch-size: expected a positive integer');
  }
  if (input.computeCapability !== undefined && !/^\d+\.\d+$/.test(input.computeCapability)) {
    throw new UsageError(
      `--compute-capability: expected e.g. 8.6, got ${JSON.stringify(input.computeCapability)}`,
    );
  }
  let precision: Precision | undefined;
  if (input.precision !== undefined) {
    const p = Precision.safeParse(input.precision);
    if (!p.success) {
      throw new UsageError(
        `--precision: expected one of ${Precision.options.join(', ')}, got ${input.precision}`,
      );
    }
    precision = p.data;
  }
  let version: TrtVersion | undefined;
  if (input.trtVersion !== undefined) {
    version = parseVersionString(input.trtVersion);
    if (!version) {
      throw new UsageError(
        `--trt-version: expected a version like 10.3.0, got ${JSON.stringify(input.trtVersion)}`,
      );
    }
  }
  return { ...(precision ? { precision } : {}), ...(version ? { version } : {}) };
}
