import os from 'node:os';
import * as ort from 'onnxruntime-node';
import type { Environment } from '../../results/schema.js';
import type { OnnxRuntimeOptions } from './options.js';

export function onnxRuntimeVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common ?? 'unknown';
}

export function probeOnnxRuntime(options: OnnxRuntimeOptions): Environment {
  const cpuModel = os.cpus()[0]?.model.trim() || 'unknown CPU';
  const onCpu = options.executionProvider === 'cpu';
  return {
    runner: 'onnxruntime',
    os: { platform: os.platform(), release: os.release(), arch: os.arch() },
    host: { cpuModel, cpuCores: os.availableParallelism(), memoryBytes: os.totalmem() },
    node: process.version,
    runtime: { name: 'onnxruntime', version: onnxRuntimeVersion() },
    device: onCpu
      ? { kind: 'cpu', name: `${cpuModel} ×${os.availableParallelism()}` }
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
