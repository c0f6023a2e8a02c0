import { onnxRuntimeFactory } from './onnxruntime/index.js';
import type { RunnerFactory } from './types.js';

/** Every runner trt-gate knows; adding one is one entry here. */
const factories = new Map<string, RunnerFactory<any>>([[onnxRuntimeFactory.type, onnxRuntimeFactory]]);

export function runnerTypes(): string[] {
  return [...factories.keys()];
}

export function getRunnerFactory(type: string): RunnerFactory<unknown> | undefined {
  return factories.get(type);
}

export function registerRunner(factory: RunnerFactory<any>): void {
  factories.set(factory.type, factory);
}
