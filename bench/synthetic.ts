/** Synthetic latency data shared by the benches (gate cost, store): lognormal samples and an entry around them. */
import type { Rng } from '../src/gate/rng.js';
import type { BaselineKey, Entry, Trial } from '../src/results/schema.js';
import { summarize } from '../src/stats/summary.js';

/** `n` lognormal samples around `median` (Box–Muller from the seeded rng). */
export function lognormal(rng: Rng, n: number, median: number, sigma: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    out[i] = median * Math.exp(sigma * z);
  }
  return out;
}

/** An ok entry of batch size 1 holding `trials`, with its pooled statistics and throughput. */
export function syntheticEntry(key: BaselineKey, trials: Trial[], id: string, source: string): Entry {
  const pooled = summarize(trials.flatMap((t) => t.samples));
  return {
    id,
    model: key.model,
    precision: key.precision,
    batchSize: 1,
    status: 'ok',
    key,
    latency: { unit: 'ms', trials, pooled, source },
    throughput: { inferencesPerSec: 1000 / pooled.mean, itemsPerSec: 1000 / pooled.mean },
    incidents: [],
  };
}
