import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Input, Output } from '../../action/names.js';
import { PROJECT_ROOT } from './helpers/sandbox.js';

interface Step {
  name?: string;
  id?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

interface ActionYml {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { description: string; value?: string }>;
  runs: { using: string; main?: string; steps?: Step[] };
}

const actionYml = parse(await readFile(join(PROJECT_ROOT, 'action.yml'), 'utf8')) as ActionYml;

describe('action.yml', () => {
  it('declares exactly the inputs and outputs of action/names.ts', () => {
    expect(Object.keys(actionYml.inputs).sort()).toEqual(Object.values(Input).sort());
    expect(Object.keys(actionYml.outputs).sort()).toEqual(Object.values(Output).sort());
    // A JavaScript action sets its outputs itself: no `value:` mapping (that is for composite ones).
    for (const name of Object.values(Output)) expect(actionYml.outputs[name]!.value).toBeUndefined();
  });

  it('is a node24 JavaScript action whose entry is the committed bundle (no install step)', () => {
    expect(actionYml.runs).toEqual({ using: 'node24', main: 'action/dist/index.js' });
    expect(existsSync(join(PROJECT_ROOT, actionYml.runs.main!))).toBe(true);
  });
});

describe('example workflows', async () => {
  const dir = join(PROJECT_ROOT, 'examples', 'workflows');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yml'));

  it('ships the PR matrix, nightly, release, the accept re-judge and the two fork-safe workflows', () => {
    expect(files.sort()).toEqual([
      'trt-gate-accept.yml',
      'trt-gate-fork-bench.yml',
      'trt-gate-fork-report.yml',
      'trt-gate-nightly.yml',
      'trt-gate-pr.yml',
      'trt-gate-release.yml',
    ]);
  });

  it.each(files)('%s: no expressions in run: scripts, explicit least-privilege permissions', async (file) => {
    const workflow = parse(await readFile(join(dir, file), 'utf8')) as {
      permissions?: Record<string, string>;
      jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>;
    };
    expect(workflow.permissions, 'a workflow-level default').toBeDefined();
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const permissions = { ...workflow.permissions, ...job.permissions };
      for (const step of job.steps) {
        expect(step.run ?? '', `${file} ${name}`).not.toMatch(/\$\{\{/);
      }
      const usesGate = job.steps.some((s) => s.uses?.includes('trt-gate'));
      const mode = job.steps.find((s) => s.uses?.includes('trt-gate'))?.with?.mode ?? 'pr';
      if (permissions.contents === 'write')
        expect(usesGate && mode === 'baseline', `${file} ${name}`).toBe(true);
      if (file === 'trt-gate-fork-bench.yml') {
        expect(Object.values(permissions).every((p) => p === 'read' || p === 'none')).toBe(true);
      }
      if (file === 'trt-gate-accept.yml') {
        // issue_comment runs on the default branch: checking out anything of the PR would run its code.
        const checkouts = job.steps.filter((s) => s.uses?.startsWith('actions/checkout'));
        expect(checkouts.every((s) => s.with?.ref === undefined && s.with?.repository === undefined)).toBe(
          true,
        );
      }
    }
  });
});
