import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import type { RunResult } from '../../../action/main.js';
import { Input } from '../../../action/names.js';
import { benchResults, writeJson } from './results.js';
import { Sandbox } from './sandbox.js';

export interface ActionRun extends RunResult {
  /** process.exitCode as the step would end with it (core.setFailed sets 1). */
  processExitCode: number | undefined;
  /** What the step wrote to stdout (workflow commands included). */
  stdout: string;
  /** Outputs as written to GITHUB_OUTPUT. */
  fileOutputs: Record<string, string>;
}

/**
 * Runs the action's `run()` in this process with exactly `env` as its step environment: the
 * runner's variables and the INPUT_* ones are stubbed for the call, stdout is captured, and
 * process.exitCode is restored afterwards.
 */
export async function runAction(env: Record<string, string>): Promise<ActionRun> {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    const { run } = await import('../../../action/main.js');
    const result = await run();
    const processExitCode = process.exitCode as number | undefined;
    return { ...result, processExitCode, stdout: chunks.join(''), fileOutputs: await Sandbox.outputs(env) };
  } finally {
    process.exitCode = before;
    write.mockRestore();
    vi.unstubAllEnvs();
  }
}

/** Records the results file `file` as a baseline through the Action's `baseline` mode on a push to main. */
export async function recordBaseline(sandbox: Sandbox, apiUrl: string, file: string): Promise<ActionRun> {
  return runAction(
    await sandbox.env({
      event: 'push.json',
      eventName: 'push',
      apiUrl,
      inputs: { [Input.mode]: 'baseline', [Input.resultsFiles]: file },
    }),
  );
}

/**
 * Records the plain benchmark results (run id `b`) as main's baseline, asserting it was recorded;
 * returns the workspace directory `in/` the results were written to, for the PR's files.
 */
export async function recordMainBaseline(sandbox: Sandbox, apiUrl: string): Promise<string> {
  const dir = join(sandbox.workspace, 'in');
  await mkdir(dir, { recursive: true });
  const base = await recordBaseline(
    sandbox,
    apiUrl,
    await writeJson(join(dir, 'b.json'), benchResults({ runId: 'b' })),
  );
  expect(base.error).toBeUndefined();
  return dir;
}
