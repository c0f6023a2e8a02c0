import type { LoadedConfig } from '../config/load.js';
import type { Results } from '../results/schema.js';
import { releaseReport } from './report.js';
import { checkReleasable, planRelease, writeRepository } from './repository.js';

export interface ReleaseRequest {
  candidates: readonly Results[];
  production: readonly Results[];
  loaded: LoadedConfig;
  out: string;
}

export interface ReleaseOutcome {
  out: string;
  models: Array<{ name: string; platform: string; files: Record<string, string> }>;
  files: string[];
}

/**
 * The release use case (CLI `release`; the Action's release mode calls the same): refuses anything
 * that did not pass, then writes a Triton model repository and a release report, verified before
 * it is renamed into place.
 */
export async function release(request: ReleaseRequest): Promise<ReleaseOutcome> {
  checkReleasable(request.candidates);
  const models = await planRelease(request.candidates, request.loaded);
  const report = releaseReport(models, request.production);
  const files = await writeRepository(request.out, models, { 'release-report.md': report });
  return {
    out: request.out,
    models: models.map((m) => ({ name: m.name, platform: m.platform, files: m.files })),
    files,
  };
}
