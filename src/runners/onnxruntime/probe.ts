import type { Environment } from '../../results/schema.js';
import { hostInfo, machineCpu } from '../../util/machine.js';
import type { OnnxRuntimeOptions } from './options.js';
import type { Ort } from './ort.js';

export function onnxRuntimeVersion(ort: Ort): string {
  return ort.env.versions.node ?? ort.env.versions.common ?? 'unknown';
}

export function probeOnnxRuntime(ort: Ort, options: OnnxRuntimeOptions): Environment {
  const cpu = machineCpu();
  const onCpu = options.executionProvider === 'cpu';
  return {
    runner: 'onnxruntime',
    ...hostInfo(),
    node: process.version,
    runtime: { name: 'onnxruntime', version: onnxRuntimeVersion(ort) },
    device: onCpu
      ? { kind: 'cpu', name: `${cpu.model} ×${cpu.count}` }
      : { kind: 'gpu', name: `${options.executionProvider} execution provider` },
    details: {
      executionProvider: options.executionProvider,
      intraOpThreads: options.intraOpThreads,
      interOpThreads: options.interOpThreads,
      graphOptimizationLevel: options.graphOptimizationLevel,
      cpuAffinity: options.cpuAffinity ?? null,
      backends: ort.listSupportedBackends(),
    },
  };
}
