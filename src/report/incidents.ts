import type { Entry, EntryComparison, Incident } from '../results/schema.js';
import { deriveIncidents } from './incident-detectors.js';
import { nextStepsFor, type PlaybookContext } from './playbooks.js';

/**
 * Every incident of an entry: those runners attached, then those derived from the results
 * (incident-detectors.ts), each with next steps from the playbook (playbooks.ts).
 */

export {
  deriveIncidents,
  detectAccuracyDegradation,
  detectLatencySpike,
  detectUnreliableMeasurement,
  MIN_SAMPLES_FOR_TAIL,
  SPIKE_CV,
  SPIKE_MIN_P99_DELTA_PCT,
  SPIKE_TAIL_EXCESS_PCT,
  SPIKE_TAIL_RATIO,
  UNRELIABLE_CV,
  UNRELIABLE_TRIAL_SPREAD_PCT,
} from './incident-detectors.js';
export { nextStepsFor, PLAYBOOKS, type PlaybookContext } from './playbooks.js';

export interface EntryIncident extends Incident {
  /** True when trt-gate derived it from the results rather than a runner reporting it. */
  derived: boolean;
}

/**
 * The entry's attached incidents (next steps filled in from the playbook when empty), then derived
 * ones, whose next steps fit the device kind and the verdict.
 */
export function incidentsFor(
  entry: Entry,
  comparison?: EntryComparison,
  context: Omit<PlaybookContext, 'precision' | 'verdict'> = {},
): EntryIncident[] {
  const ctx: PlaybookContext = {
    ...context,
    precision: entry.precision,
    verdict: comparison?.verdict ?? (entry.status === 'failed' ? 'failed' : null),
  };
  const attached = entry.incidents.map((i) => ({
    ...i,
    nextSteps: i.nextSteps.length ? i.nextSteps : nextStepsFor(i.kind, ctx),
    derived: false,
  }));
  const derived = deriveIncidents(entry, comparison).map((i) => ({
    ...i,
    nextSteps: nextStepsFor(i.kind, ctx),
    derived: true,
  }));
  return [...attached, ...derived];
}
