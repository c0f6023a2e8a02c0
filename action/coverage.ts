import type { GateOutcome, Results } from '../src/results/schema.js';

/**
 * What an aggregate must see before it may pass: every expected architecture among the results,
 * and every results file readable. A gap is a problem that fails the gate, named, never a pass.
 */

/** Normalized names a results file answers to: compute capability (8.6, sm_86, sm86) and its device name. */
function namesOf(results: Results): string[] {
  const device = results.environment.device;
  const names = [device.name.toLowerCase()];
  const cc = device.computeCapability;
  if (cc) {
    const digits = cc.replace(/[^0-9]/g, '');
    names.push(cc.toLowerCase(), `sm_${digits}`, `sm${digits}`);
  }
  for (const e of results.entries) names.push(e.key.device.toLowerCase());
  return names;
}

/** Whether `wanted` names this file: a compute capability exactly, or a part of the device name. */
function matches(wanted: string, results: Results): boolean {
  const w = wanted.trim().toLowerCase();
  return namesOf(results).some((n) => n === w || n.includes(w));
}

export function missingArchitectures(expected: readonly string[], results: readonly Results[]): string[] {
  return expected.filter((arch) => !results.some((r) => matches(arch, r)));
}

/** The gate with `problems` added: conclusion `fail`, each problem among the failing. */
export function failClosed(gate: GateOutcome, problems: readonly string[]): GateOutcome {
  if (problems.length === 0) return gate;
  return { ...gate, conclusion: 'fail', failing: [...gate.failing, ...problems] };
}
