import type { AbBudget } from '../ab/adaptive.js';
import { type BaseSide, openBaseSide } from '../ab/base-side.js';
import { runAb } from '../ab/run.js';
import type { LoadedConfig } from '../config/load.js';
import type { Verdict } from '../config/schema.js';
import type { RunObserver } from '../pipeline/events.js';
import type { PlannedEntry } from '../pipeline/plan.js';
import type { Results } from '../results/schema.js';
import { createRunner } from '../runners/create.js';

export interface RunAbOptions {
  loaded: LoadedConfig;
  /** The base side: a git ref (e.g. the PR merge-base) or a directory, or one already opened. */
  against: string | BaseSide;
  /** The candidate's config as the user named it, relative to `cwd`. */
  configFile: string;
  cwd: string;
  outDir: string;
  observer?: RunObserver;
  source?: Results['source'];
  only?: (p: PlannedEntry) => boolean;
  budget?: Partial<AbBudget>;
  failOn?: Verdict[];
}

/** The A/B use case: candidate and base built and measured in this job, judged on interleaved pairs. */
export async function runAbAndGate(options: RunAbOptions): Promise<Results> {
  const base =
    typeof options.against === 'string'
      ? await openBaseSide(options.against, options.configFile, options.cwd)
      : options.against;
  try {
    const runner = await createRunner(options.loaded, options.outDir);
    try {
      return await runAb({
        candidate: options.loaded,
        base,
        runner,
        workDir: options.outDir,
        observer: options.observer,
        source: options.source,
        only: options.only,
        budget: options.budget,
        failOn: options.failOn,
      });
    } finally {
      await runner.close();
    }
  } finally {
    await base.cleanup();
  }
}
