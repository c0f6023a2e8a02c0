/**
 * Build facts from a trtexec log: build time, engine size, memory statistics, tactics skipped for lack of
 * memory, the `=== Device Information ===` block and the `=== ... Options ===` echo.
 *
 * Line shapes come from the real logs in test/fixtures/trtexec (TensorRT 8.6.3 and 10.x) and from
 * samples/trtexec/trtexec.cpp (`Engine built in X sec.` / `Engine loaded in X sec.`, `TensorRT version:`).
 * Every number found is parsed strictly: a malformed value is a DataError, never a zero.
 */
import { DataError } from '../../../errors.js';
import { type LogLine, parseLog, sectionTitle } from './log.js';
import { strictNumber } from './numbers.js';
import { detectTrtVersion, type TrtVersion } from './version.js';

export interface DeviceInfo {
  name?: string;
  /** As printed, e.g. `8.6`. */
  computeCapability?: string;
  sms?: number;
  globalMemoryMiB?: number;
  sharedMemoryPerSmKiB?: number;
  memoryBusWidthBits?: number;
  eccEnabled?: boolean;
  /** `Application Compute Clock Rate` (8.6+) or `Compute Clock Rate` (older). */
  computeClockGHz?: number;
  memoryClockGHz?: number;
  /** Every `key: value` line of the block, as printed. */
  raw: Record<string, string>;
}

export interface MemUsageChange {
  stage: string;
  cpuDeltaMiB: number;
  gpuDeltaMiB: number;
  cpuNowMiB: number;
  gpuNowMiB: number;
}

export interface BuildMemory {
  peakCpuMiB?: number;
  peakGpuMiB?: number;
  totalHostPersistentBytes?: number;
  totalDevicePersistentBytes?: number;
  maxScratchBytes?: number;
  totalActivationBytes?: number;
  totalWeightsBytes?: number;
  /** `Created execution context with device memory size: X MiB`. */
  contextDeviceMemoryMiB?: number;
  changes: MemUsageChange[];
}

export interface BuildLogInfo {
  version?: TrtVersion;
  /** `Engine built in X sec.` (trtexec's wall time for the whole build step). */
  engineBuiltSec?: number;
  /** `Engine loaded in X sec.` when `--loadEngine` was used. */
  engineLoadedSec?: number;
  /** `[TRT] Engine generation completed in X seconds.` (builder time only). */
  engineGenerationSec?: number;
  /** `Created engine with size: X MiB` / `Engine size: X MiB`. */
  engineSizeMiB?: number;
  /** `[TRT] Loaded engine size: X MiB` (deserialised size, rounded by TensorRT). */
  loadedEngineSizeMiB?: number;
  memory: BuildMemory;
  /** Count of `Skipping tactic ... insufficient memory` / `Device memory is insufficient` warnings. */
  tacticsSkippedForMemory: number;
  /** Largest request among those warnings, in bytes, where printed. */
  largestSkippedRequestBytes?: number;
  device?: DeviceInfo;
  /** `Model Options`, `Build Options`, ... → key → value; a repeated key's values are joined with `, `. */
  options: Record<string, Record<string, string>>;
}

const SINGLE_FIELDS: ReadonlyArray<
  [RegExp, 'engineGenerationSec' | 'engineSizeMiB' | 'loadedEngineSizeMiB' | 'contextDeviceMemoryMiB', string]
> = [
  [/^Engine generation completed in (\S+) seconds\.?$/, 'engineGenerationSec', 'engine generation time'],
  [/^(?:Created engine with size|Engine size):\s*(\S+) MiB$/, 'engineSizeMiB', 'engine size'],
  [/^Loaded engine size:\s*(\S+) MiB$/, 'loadedEngineSizeMiB', 'loaded engine size'],
  [
    /^Created execution context with device memory size:\s*(\S+) MiB$/,
    'contextDeviceMemoryMiB',
    'execution context memory',
  ],
];

const BYTES_FIELDS: ReadonlyArray<[RegExp, keyof BuildMemory]> = [
  [/^Total Host Persistent Memory:\s*(\S+)(?:\s*bytes)?$/, 'totalHostPersistentBytes'],
  [/^Total Device Persistent Memory:\s*(\S+)(?:\s*bytes)?$/, 'totalDevicePersistentBytes'],
  [/^Max Scratch Memory:\s*(\S+)(?:\s*bytes)?$/, 'maxScratchBytes'],
  [/^Total Activation Memory:\s*(\S+)(?:\s*bytes)?$/, 'totalActivationBytes'],
  [/^Total Weights Memory:\s*(\S+)(?:\s*bytes)?$/, 'totalWeightsBytes'],
];

export function parseBuildLog(text: string, source = 'trtexec log'): BuildLogInfo {
  const lines = parseLog(text);
  const version = detectTrtVersion(text);
  const info: BuildLogInfo = {
    ...(version ? { version } : {}),
    memory: { changes: [] },
    tacticsSkippedForMemory: 0,
    options: {},
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const title = sectionTitle(line);
    if (title === 'Device Information') {
      const block = readBlock(lines, i + 1);
      info.device = readDevice(block.entries, source);
      i = block.end - 1;
      continue;
    }
    if (title?.endsWith(' Options')) {
      const block = readBlock(lines, i + 1);
      const section: Record<string, string> = {};
      for (const { key, value } of block.entries) {
        section[key] = section[key] === undefined ? value : `${section[key]}, ${value}`;
      }
      info.options[title.slice(0, -' Options'.length)] = section;
      i = block.end - 1;
      continue;
    }
    readLine(line, info, `${source}: line ${line.lineNo}`, source);
  }
  return info;
}

function readLine(line: LogLine, info: BuildLogInfo, where: string, file: string): void {
  const t = line.text.trim();
  const num = (token: string | undefined, what: string) => strictNumber(token, what, where, file);
  let m = /^Engine (built|loaded) in (\S+) sec\.?$/.exec(t);
  if (m) {
    if (m[1] === 'built') info.engineBuiltSec = num(m[2], 'engine build time');
    else info.engineLoadedSec = num(m[2], 'engine load time');
    return;
  }
  for (const [re, key, what] of SINGLE_FIELDS) {
    m = re.exec(t);
    if (m) {
      if (key === 'contextDeviceMemoryMiB') info.memory.contextDeviceMemoryMiB = num(m[1], what);
      else info[key] = num(m[1], what);
      return;
    }
  }
  m =
    /^\[MemUsageStats\] Peak memory usage of TRT CPU\/GPU memory allocators: CPU (\S+) MiB, GPU (\S+) MiB$/.exec(
      t,
    );
  if (m) {
    info.memory.peakCpuMiB = num(m[1], 'peak CPU memory');
    info.memory.peakGpuMiB = num(m[2], 'peak GPU memory');
    return;
  }
  m = /^\[MemUsageChange\] (.+?): CPU (\S+), GPU (\S+), now: CPU (\S+), GPU (\S+) \(MiB\)$/.exec(t);
  if (m) {
    info.memory.changes.push({
      stage: m[1]!,
      cpuDeltaMiB: num(m[2], 'CPU memory change'),
      gpuDeltaMiB: num(m[3], 'GPU memory change'),
      cpuNowMiB: num(m[4], 'CPU memory'),
      gpuNowMiB: num(m[5], 'GPU memory'),
    });
    return;
  }
  for (const [re, key] of BYTES_FIELDS) {
    m = re.exec(t);
    if (m) {
      (info.memory as unknown as Record<string, number>)[key] = num(m[1], key);
      return;
    }
  }
  if (/Skipping tactic .*insufficient memory|Device memory is insufficient to use tactic/.test(t)) {
    info.tacticsSkippedForMemory++;
    m = /requested size of (\d+)/.exec(t);
    if (m) {
      const bytes = num(m[1], 'skipped tactic request');
      info.largestSkippedRequestBytes = Math.max(info.largestSkippedRequestBytes ?? 0, bytes);
    }
  }
}

interface Block {
  entries: Array<{ key: string; value: string; lineNo: number }>;
  /** Index of the first line after the block. */
  end: number;
}

/** `key: value` lines up to the next blank line, section header or banner. */
function readBlock(lines: LogLine[], from: number): Block {
  const entries: Block['entries'] = [];
  let i = from;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.text.trim();
    if (t === '' || sectionTitle(line) !== undefined || t.startsWith('&&&&')) break;
    const colon = t.indexOf(':');
    if (colon <= 0) continue;
    entries.push({ key: t.slice(0, colon).trim(), value: t.slice(colon + 1).trim(), lineNo: line.lineNo });
  }
  return { entries, end: i };
}

function readDevice(entries: Block['entries'], file: string): DeviceInfo {
  const device: DeviceInfo = { raw: {} };
  for (const { key, value, lineNo } of entries) {
    device.raw[key] = value;
    const where = `${file}: line ${lineNo}`;
    const unit = (re: RegExp, what: string): number => {
      const m = re.exec(value);
      if (!m) throw new DataError(`${where}: ${what}: cannot read ${JSON.stringify(value)}`, file);
      return strictNumber(m[1], what, where, file);
    };
    switch (key) {
      case 'Selected Device':
        device.name = value;
        break;
      case 'Compute Capability':
        if (!/^\d+\.\d+$/.test(value)) {
          throw new DataError(`${where}: compute capability: cannot read ${JSON.stringify(value)}`, file);
        }
        device.computeCapability = value;
        break;
      case 'SMs':
        device.sms = unit(/^(\S+)$/, 'SM count');
        break;
      case 'Device Global Memory':
        device.globalMemoryMiB = unit(/^(\S+) MiB$/, 'device global memory');
        break;
      case 'Shared Memory per SM':
        device.sharedMemoryPerSmKiB = unit(/^(\S+) KiB$/, 'shared memory per SM');
        break;
      case 'Memory Bus Width': {
        device.memoryBusWidthBits = unit(/^(\S+) bits/, 'memory bus width');
        const ecc = /\(ECC (enabled|disabled)\)/.exec(value);
        if (ecc) device.eccEnabled = ecc[1] === 'enabled';
        break;
      }
      case 'Application Compute Clock Rate':
      case 'Compute Clock Rate':
        device.computeClockGHz = unit(/^(\S+) GHz$/, key);
        break;
      case 'Application Memory Clock Rate':
      case 'Memory Clock Rate':
        device.memoryClockGHz = unit(/^(\S+) GHz$/, key);
        break;
    }
  }
  return device;
}
