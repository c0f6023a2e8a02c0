import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The example workflows are what users paste: every input they pass must exist in action.yml, and
// every aggregate step must list the architectures its bench matrix runs (fail closed on a missing one).
const dir = 'examples/workflows';
const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> };
type Step = { uses?: string; with?: Record<string, unknown> };
type Job = { steps?: Step[]; strategy?: { matrix?: { arch?: string[] } } };
const workflows = readdirSync(dir)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => ({
    file: f,
    jobs: (parse(readFileSync(join(dir, f), 'utf8')) as { jobs: Record<string, Job> }).jobs,
  }));
const ourSteps = (jobs: Record<string, Job>) =>
  Object.values(jobs).flatMap((j) => (j.steps ?? []).filter((s) => s.uses?.startsWith('your-org/trt-gate')));

describe('example workflows', () => {
  it.each(workflows)('$file passes only inputs that action.yml declares', ({ jobs }) => {
    for (const step of ourSteps(jobs)) {
      for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
    }
  });

  it('every aggregate step names the architectures of the bench matrix it reports on', () => {
    const matrices = workflows.flatMap(({ jobs }) =>
      Object.values(jobs)
        .map((j) => j.strategy?.matrix?.arch)
        .filter(Boolean),
    );
    const aggregates = workflows.flatMap(({ file, jobs }) =>
      ourSteps(jobs)
        .filter((s) => s.with?.mode === 'aggregate')
        .map((s) => ({ file, expected: String(s.with?.['expected-architectures'] ?? '') })),
    );
    expect(aggregates.length).toBeGreaterThan(0);
    for (const { expected } of aggregates) {
      const names = expected.split(/[\s,]+/).filter(Boolean);
      expect(names.length).toBeGreaterThan(0);
      expect(matrices.some((m) => JSON.stringify(m) === JSON.stringify(names))).toBe(true);
    }
  });
});
