import type { LoadedConfig } from '../config/load.js';
import { type ReleaseOutcome, release } from '../release/release.js';
import { ReleaseRefused, releaseBlockers } from '../release/repository.js';
import type { Results } from '../results/schema.js';

/** What a release run ends with: the repository written, or every reason nothing was. */
export type ReleaseDecision =
  | { released: ReleaseOutcome; refused?: undefined }
  | { released?: undefined; refused: string };

/**
 * The end of a release run (CLI `run --mode release`, the Action's release mode): the candidates,
 * gated against production, are released only when nothing blocks them; otherwise nothing is
 * written and the refusal says which run and entry blocked it. Other errors (an engine that
 * changed, an unreadable model) still throw.
 */
export async function releaseGated(options: {
  compared: readonly Results[];
  /** The config with its models (their signatures go into config.pbtxt); loaded only when releasing. */
  loaded: LoadedConfig | (() => Promise<LoadedConfig>);
  out: string;
  problems?: readonly string[];
  production?: readonly Results[];
  artifactDirs?: readonly string[];
}): Promise<ReleaseDecision> {
  // Refused before the models are even loaded: a blocked release needs nothing else.
  const reasons = [...(options.problems ?? []), ...releaseBlockers(options.compared)];
  if (reasons.length > 0) return { refused: new ReleaseRefused(reasons).message };
  const loaded = typeof options.loaded === 'function' ? await options.loaded() : options.loaded;
  try {
    const released = await release({
      candidates: options.compared,
      production: options.production ?? [],
      loaded,
      out: options.out,
      problems: options.problems,
      artifactDirs: options.artifactDirs,
    });
    return { released };
  } catch (error) {
    if (error instanceof ReleaseRefused) return { refused: error.message };
    throw error;
  }
}
