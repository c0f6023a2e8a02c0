/** What the stages (build, benchmark, profile, accuracy) share: the resolved trtexec, its options, the version. */

import type { TensorSet } from '../../inputs/tensor.js';
import type { Stage } from '../../results/schema.js';
import { type BuiltEngine, RunnerError } from '../types.js';
import { type Invocation, invoke } from './invoke.js';
import type { TrtexecOptions } from './options.js';
import type { TrtVersion } from './parse/version.js';
import { InputDtypeError, writeInputFiles } from './tensors.js';

/** One runner's trtexec, once probed (the version is known and the options were checked against it). */
export interface TrtexecSetup {
  trtexec: string;
  options: TrtexecOptions;
  version: TrtVersion;
}

/** One built engine as its runs see it. */
export interface EngineRun {
  setup: TrtexecSetup;
  engine: BuiltEngine;
  /** Inputs with a dynamic dimension: they get `--shapes`. */
  dynamic: Set<string>;
  /** Scratch directory of this engine (inputs, exported files). */
  dir: string;
}

/** trtexec with the limit of runner.timeoutSec for this kind of invocation. */
export function runTrtexec(setup: TrtexecSetup, argv: string[], kind: 'build' | 'run'): Promise<Invocation> {
  return invoke(setup.trtexec, argv, { timeoutMs: setup.options.timeoutSec[kind] * 1000 });
}

/** The `--loadInputs` files for one feed set; a dtype trtexec cannot load is this stage's failure. */
export async function writeRunInputs(run: EngineRun, dir: string, feeds: TensorSet, stage: Stage) {
  try {
    return await writeInputFiles(dir, feeds, run.setup.version);
  } catch (error) {
    if (!(error instanceof InputDtypeError)) throw error;
    throw new RunnerError(stage, {
      kind: 'runtime-error',
      stage,
      title: 'Input data type not supported by trtexec',
      message: error.message,
      nextSteps: [`Change the dtype of the inputs of ${run.engine.request.model} in the config.`],
    });
  }
}
