import type { IncidentGroupView, IncidentView } from './view-model-types.js';

/**
 * Incidents grouped once per kind: the entries it affects, each with its own title and message,
 * and the next steps once (in order, without repeats). A shared runner that makes every entry
 * noisy gives one "unreliable measurement" section listing the entries, not one section each.
 */
export function groupIncidents(incidents: readonly IncidentView[]): IncidentGroupView[] {
  const groups = new Map<string, IncidentGroupView>();
  for (const i of incidents) {
    let group = groups.get(i.kind);
    if (!group) {
      group = { kind: i.kind, kindLabel: i.kindLabel, icon: i.icon, count: 0, entries: [], nextSteps: [] };
      groups.set(i.kind, group);
    }
    group.count++;
    group.entries.push(i);
    for (const step of i.nextSteps) if (!group.nextSteps.includes(step)) group.nextSteps.push(step);
  }
  return [...groups.values()];
}
