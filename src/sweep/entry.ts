import type { SweepConfig } from '../config/schema.js';
import type { SweepResult } from '../results/schema.js';
import { runnerMeasure, type SweepTarget } from './measure.js';
import { runSweep } from './sweep.js';

/** The sweep of one model × precision with the runner (see runSweep for the walk and the choice). */
export async function sweepEntry(
  config: SweepConfig,
  target: Omit<SweepTarget, 'config'>,
): Promise<SweepResult> {
  return runSweep(config, runnerMeasure({ ...target, config }));
}
