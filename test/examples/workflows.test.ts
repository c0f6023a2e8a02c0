import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The example workflows are what users paste: every input they pass must exist in action.yml, and
// every aggregate step must list the architectures its bench matrix runs (fail closed on a missing one).
const dir = 'examples/workflows';
const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> };
type Step = { uses?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { steps?: Step[]; strategy?: { matrix?: { arch?: string[] } } };
type Workflow = {
  file: string;
  name: string;
  on?: { workflow_run?: { workflows?: string[] } };
  jobs: Record<string, Job>;
};
const workflows: Workflow[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => ({ file: f, ...(parse(readFileSync(join(dir, f), 'utf8')) as Omit<Workflow, 'file'>) }));
const ourSteps = (jobs: Record<string, Job>) =>
  Object.values(jobs).flatMap((j) => (j.steps ?? []).filter((s) => s.uses?.startsWith('your-org/trt-gate')));

describe('example workflows', () => {
  it.each(workflows)('$file passes only inputs that action.yml declares', ({ jobs }) => {
    for (const step of ourSteps(jobs)) {
      for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
    }
  });

  it('every aggregate step names the architectures of the bench matrix it reports on', () => {
    // The bench matrix is in the same workflow, or in the workflow whose run triggers this one.
    const matrixOf = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.strategy?.matrix?.arch ?? []);
    let aggregates = 0;
    for (const w of workflows) {
      for (const step of ourSteps(w.jobs).filter((s) => s.with?.mode === 'aggregate')) {
        aggregates += 1;
        const triggers = w.on?.workflow_run?.workflows ?? [];
        // The issue_comment re-judge downloads the results of the workflow its step names.
        const downloads = Object.values(w.jobs)
          .flatMap((j) => j.steps ?? [])
          .map((s) => s.env?.BENCH_WORKFLOW)
          .find(Boolean);
        const bench =
          matrixOf(w).length > 0
            ? w
            : workflows.find((o) => triggers.includes(o.name) || (downloads && o.file === downloads));
        expect(bench, `${w.file}: no bench matrix found`).toBeDefined();
        const names = String(step.with?.['expected-architectures'] ?? '')
          .split(/[\s,]+/)
          .filter(Boolean);
        expect(names, w.file).toEqual(matrixOf(bench as Workflow));
      }
    }
    expect(aggregates).toBeGreaterThan(0);
  });
});
