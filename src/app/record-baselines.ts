import type { Results } from '../results/schema.js';
import type { AppendOutcome, BaselineStore } from '../store/types.js';

/**
 * Appends every run to the store (the only write of baselines; callers decide it is allowed:
 * a trusted event in the Action, an explicit command or flag in the CLI).
 */
export async function recordBaselines(
  store: BaselineStore,
  runs: readonly Results[],
  historySize: number,
): Promise<AppendOutcome[]> {
  const outcomes: AppendOutcome[] = [];
  for (const run of runs) outcomes.push(await store.append(run, { historySize }));
  return outcomes;
}
