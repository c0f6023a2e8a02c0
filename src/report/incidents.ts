import type { Entry, EntryComparison, Incident } from '../results/schema.js';
import { deriveIncidents } from './incident-detectors.js';
import { incidentSteps, nextStepsFor, type PlaybookContext } from './playbooks.js';

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
export { incidentSteps, nextStepsFor, PLAYBOOKS, type PlaybookContext } from './playbooks.js';

export interface EntryIncident extends Incident {
  /** True when trt-gate derived it from the results rather than a runner reporting it. */
  derived: boolean;
}

/**
 * The entry's attached incidents (their own steps, then the playbook's), then derived ones (the
 * playbook's); the playbook fitted to the device kind, the precision, the verdict and the method.
 */
export function incidentsFor(
  entry: Entry,
  comparison?: EntryComparison,
  context: Omit<PlaybookContext, 'precision' | 'verdict' | 'method'> = {},
): EntryIncident[] {
  const ctx: PlaybookContext = {
    ...context,
    precision: entry.precision,
    verdict: comparison?.verdict ?? (entry.status === 'failed' ? 'failed' : null),
    method: comparison?.method ?? 'history',
  };
  const attached = entry.incidents.map((i) => ({
    ...i,
    nextSteps: incidentSteps(i, ctx),
    derived: false,
  }));
  const derived = deriveIncidents(entry, comparison).map((i) => ({
    ...i,
    nextSteps: nextStepsFor(i.kind, ctx),
    derived: true,
  }));
  return [...attached, ...derived];
}
