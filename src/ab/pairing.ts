import type { TrtGateConfig } from '../config/schema.js';
import { withBatch } from '../inputs/generate.js';
import { type PlannedEntry, planEntries } from '../pipeline/plan.js';
import { canonicalJson } from '../util/hash.js';

/**
 * Which candidate entries have a comparable entry on the base side. Entries pair by id (model,
 * precision, batch size); a pair is comparable only when both sides feed the same input names,
 * shapes and dtypes — otherwise the two sides measure different work, and the difference is said
 * instead of judged.
 */
export type Pairing =
  | { kind: 'paired'; candidate: PlannedEntry; base: PlannedEntry }
  | { kind: 'unpaired'; candidate: PlannedEntry; reason: string };

export function pairEntries(
  candidate: TrtGateConfig,
  base: TrtGateConfig,
  only?: (p: PlannedEntry) => boolean,
): { pairs: Pairing[]; notes: string[] } {
  const baseById = new Map(planEntries(base).map((p) => [p.id, p]));
  const pairs: Pairing[] = planEntries(candidate, only).map((c) => {
    const b = baseById.get(c.id);
    if (!b) {
      return {
        kind: 'unpaired',
        candidate: c,
        reason: `the base side does not measure ${c.id} (a new model, precision or batch size): nothing to compare in this job`,
      };
    }
    const differences = inputDifferences(b, c);
    if (differences.length > 0) {
      return {
        kind: 'unpaired',
        candidate: c,
        reason: `not comparable with the base side: ${differences.join('; ')}`,
      };
    }
    return { kind: 'paired', candidate: c, base: b };
  });
  const notes: string[] = [];
  const candidateIds = new Set(planEntries(candidate).map((p) => p.id));
  const dropped = [...baseById.keys()].filter((id) => !candidateIds.has(id));
  if (dropped.length > 0) notes.push(`only the base side measures ${dropped.join(', ')}`);
  if (canonicalJson(base.runner) !== canonicalJson(candidate.runner)) {
    notes.push(
      'the runner settings differ between the sides; both are built and run with the candidate’s, so this compares the models',
    );
  }
  return { pairs, notes };
}

function inputDifferences(base: PlannedEntry, candidate: PlannedEntry): string[] {
  const out: string[] = [];
  const baseInputs = new Map(base.model.inputs.map((i) => [i.name, withBatch(i, base.batchSize)]));
  const seen = new Set<string>();
  for (const input of candidate.model.inputs.map((i) => withBatch(i, candidate.batchSize))) {
    seen.add(input.name);
    const b = baseInputs.get(input.name);
    if (!b) out.push(`input ${input.name} is new`);
    else if (b.shape.join('x') !== input.shape.join('x'))
      out.push(
        `input ${input.name} has shape [${b.shape.join(', ')}] on the base side, [${input.shape.join(', ')}] here`,
      );
    else if (b.dtype !== input.dtype)
      out.push(`input ${input.name} is ${b.dtype} on the base side, ${input.dtype} here`);
  }
  for (const name of baseInputs.keys())
    if (!seen.has(name)) out.push(`input ${name} exists only on the base side`);
  return out;
}
