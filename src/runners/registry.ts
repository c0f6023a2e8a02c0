import { onnxRuntimeFactory } from './onnxruntime/index.js';
import { trtexecFactory } from './trtexec/index.js';
import type { RunnerFactory } from './types.js';

/** Every runner trt-gate knows; adding one is one entry here. */
// biome-ignore lint/suspicious/noExplicitAny: each factory has its own options type; the registry erases it
const factories = new Map<string, RunnerFactory<any>>(
  [onnxRuntimeFactory, trtexecFactory].map((f) => [f.type, f]),
);

export function runnerTypes(): string[] {
  return [...factories.keys()];
}

export function getRunnerFactory(type: string): RunnerFactory<unknown> | undefined {
  return factories.get(type);
}
