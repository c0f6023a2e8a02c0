import type { LoadedConfig } from '../config/load.js';
import type { Results } from '../results/schema.js';
import { releaseReport } from './report.js';
import { checkReleasable, planRelease, writeRepository } from './repository.js';

export interface ReleaseRequest {
  candidates: readonly Results[];
  production: readonly Results[];
  loaded: LoadedConfig;
  out: string;
  /** Reasons found by the caller that block the release too (e.g. a missing GPU architecture). */
  problems?: readonly string[];
  /** Where to look for an engine by file name when its recorded path is gone (downloaded results). */
  artifactDirs?: readonly string[];
}

export interface ReleaseOutcome {
  out: string;
  models: Array<{ name: string; platform: string; files: Record<string, string> }>;
  files: string[];
}

/**
 * The release use case (CLI `release` and `run --mode release`, the Action's release mode): refuses
 * anything that did not pass, naming every reason, then writes a Triton model repository and a
 * release report, verified before it is renamed into place.
 */
export async function release(request: ReleaseRequest): Promise<ReleaseOutcome> {
  checkReleasable(request.candidates, request.problems);
  const models = await planRelease(request.candidates, request.loaded, request.artifactDirs);
  const report = releaseReport(models, request.production);
  const files = await writeRepository(request.out, models, { 'release-report.md': report });
  return {
    out: request.out,
    models: models.map((m) => ({ name: m.name, platform: m.platform, files: m.files })),
    files,
  };
}
