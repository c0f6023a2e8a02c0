import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.js';
import { parseBuildLog } from '../../../src/runners/trtexec/parse/build-log.js';
import { fixture } from './fixtures.js';

describe('parseBuildLog', () => {
  it('reads build time, engine size, memory and skipped tactics of the real 10.x build', () => {
    const b = parseBuildLog(fixture('trt10.x-build-memory-engine-built-size.log'));
    expect(b.engineBuiltSec).toBe(273.506);
    expect(b.engineGenerationSec).toBe(273.487);
    expect(b.engineSizeMiB).toBe(34.271);
    expect(b.loadedEngineSizeMiB).toBe(34);
    expect(b.memory).toMatchObject({
      peakCpuMiB: 6,
      peakGpuMiB: 2174,
      totalHostPersistentBytes: 84864,
      totalDevicePersistentBytes: 0,
      maxScratchBytes: 2065996800,
      totalActivationBytes: 2478873600,
      totalWeightsBytes: 34082304,
    });
    expect(b.tacticsSkippedForMemory).toBe(1);
    expect(b.largestSkippedRequestBytes).toBe(7742685184);
    expect(b.device).toBeUndefined();
  });

  it('reads the device block and memory changes of the real 8.6.3 log', () => {
    const b = parseBuildLog(fixture('trt8.6.3-device-info-build-start.log'));
    expect(b.version).toMatchObject({ major: 8, minor: 6, patch: 3 });
    expect(b.device).toMatchObject({
      name: 'NVIDIA GeForce RTX 2080',
      computeCapability: '7.5',
      sms: 46,
      globalMemoryMiB: 7974,
      sharedMemoryPerSmKiB: 64,
      memoryBusWidthBits: 256,
      eccEnabled: false,
      computeClockGHz: 1.71,
      memoryClockGHz: 7,
    });
    expect(b.memory.changes).toEqual([
      { stage: 'Init CUDA', cpuDeltaMiB: 2, gpuDeltaMiB: 0, cpuNowMiB: 19, gpuNowMiB: 423 },
      {
        stage: 'Init builder kernel library',
        cpuDeltaMiB: 889,
        gpuDeltaMiB: 174,
        cpuNowMiB: 984,
        gpuNowMiB: 597,
      },
    ]);
    expect(b.engineBuiltSec).toBeUndefined();
  });

  it('reads the execution context memory of the real 10.x inference log', () => {
    expect(
      parseBuildLog(fixture('trt10.x-inference-setup-trace-perf-summary.log')).memory.contextDeviceMemoryMiB,
    ).toBe(984.375);
  });

  it('reads the options echo, joining repeated keys', () => {
    // Lines as echoed by trtexec 10.2 (NVIDIA/TensorRT#4036) and 8.6 (NVIDIA/TensorRT#3734).
    const log = [
      '[07/30/2024-15:30:36] [I] === Model Options ===',
      '[07/30/2024-15:30:36] [I] Format: ONNX',
      '[07/30/2024-15:30:36] [I] Model: out_onnx_model.onnx',
      '[07/30/2024-15:30:36] [I] Output:',
      '[07/30/2024-15:30:36] [I] === Build Options ===',
      '[07/30/2024-15:30:36] [I] Memory Pools: workspace: default, dlaSRAM: default',
      '[07/30/2024-15:30:36] [I] Precision: FP32',
      '[07/30/2024-15:30:36] [I] === Inference Options ===',
      '[07/30/2024-15:30:36] [I] Input inference shape : ref_y=1x128x100x160',
      '[07/30/2024-15:30:36] [I] Input inference shape : c1=1x48x1600x2560',
      '[07/30/2024-15:30:36] [I] Iterations: 10',
      '[07/30/2024-15:30:36] [I] ',
      '[07/30/2024-15:30:36] [I] Engine loaded in 0.512 sec.',
    ].join('\n');
    const b = parseBuildLog(log);
    expect(b.options.Model).toEqual({ Format: 'ONNX', Model: 'out_onnx_model.onnx', Output: '' });
    expect(b.options.Build?.['Memory Pools']).toBe('workspace: default, dlaSRAM: default');
    expect(b.options.Inference?.['Input inference shape']).toBe('ref_y=1x128x100x160, c1=1x48x1600x2560');
    expect(b.options.Inference?.Iterations).toBe('10');
    expect(b.engineLoadedSec).toBe(0.512);
  });

  it('refuses a malformed value in the device block', () => {
    const log = '[I] === Device Information ===\n[I] Device Global Memory: lots MiB\n';
    expect(() => parseBuildLog(log, 'build.log')).toThrow(DataError);
    expect(() => parseBuildLog(log, 'build.log')).toThrow(/build\.log: line 2: device global memory/);
    expect(() => parseBuildLog('[I] Engine built in 1,5 sec.', 'b.log')).toThrow(
      /engine build time: expected a number/,
    );
  });
});
