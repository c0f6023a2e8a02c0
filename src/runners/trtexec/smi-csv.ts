/**
 * One line of `nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits` as a GpuSample.
 * Unavailable values print as `[N/A]` or `[Not Supported]`; throttle reasons print as `Active` /
 * `Not Active`, and `clocks_event_reasons.active` as a hex bitmask (NVML clocksEventReasons: 0x1 GPU idle, 0x2 clocks setting,
 * 0x4 SW power cap, 0x8 HW slowdown, 0x20 SW thermal slowdown, 0x40 HW thermal slowdown, 0x80 HW power
 * brake). Drivers before R535 name the reasons `clocks_throttle_reasons.*`; either name reads the same.
 */

export const QUERY_FIELDS = [
  'name',
  'compute_cap',
  'driver_version',
  'memory.total',
  'memory.used',
  'clocks.sm',
  'clocks.max.sm',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'pstate',
  'clocks_event_reasons.active',
  'clocks_event_reasons.hw_thermal_slowdown',
  'clocks_event_reasons.sw_thermal_slowdown',
  'clocks_event_reasons.sw_power_cap',
  'clocks_event_reasons.hw_power_brake_slowdown',
  // Percent of the last sample period a kernel ran (nvidia-smi --help-query-gpu): how busy the GPU was.
  'utilization.gpu',
] as const;

export const EVENT_PREFIX = 'clocks_event_reasons.';
export const THROTTLE_PREFIX = 'clocks_throttle_reasons.';

export const REASON_BITS = {
  gpuIdle: 0x1,
  /** Clocks held by the application-clocks or locked-clocks setting (nvidia-smi -ac / -lgc). */
  clocksSetting: 0x2,
  swPowerCap: 0x4,
  hwSlowdown: 0x8,
  swThermal: 0x20,
  hwThermal: 0x40,
  hwPowerBrake: 0x80,
} as const;

export type SamplePhase = 'before' | 'during' | 'after';

export interface GpuSample {
  phase: SamplePhase;
  /** Milliseconds since the first sample of the series. */
  tMs: number;
  name?: string;
  computeCapability?: string;
  driver?: string;
  memoryTotalMiB?: number;
  memoryUsedMiB?: number;
  smClockMHz?: number;
  maxSmClockMHz?: number;
  temperatureC?: number;
  /** `utilization.gpu`, percent. */
  utilizationPct?: number;
  powerDrawW?: number;
  powerLimitW?: number;
  pstate?: string;
  /** `clocks_event_reasons.active` bitmask. */
  reasonsMask?: number;
  hwThermalSlowdown?: boolean;
  swThermalSlowdown?: boolean;
  swPowerCap?: boolean;
  hwPowerBrake?: boolean;
}

/** `[N/A]`, `[Not Supported]`, ... → undefined. */
function cell(raw: string | undefined): string | undefined {
  const t = (raw ?? '').trim();
  if (t === '' || /^\[.*\]$/.test(t) || /^N\/A$/i.test(t)) return undefined;
  return t;
}

function num(raw: string | undefined): number | undefined {
  const t = cell(raw);
  if (t === undefined || !/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function active(raw: string | undefined): boolean | undefined {
  const t = cell(raw);
  if (t === undefined) return undefined;
  if (/^active$/i.test(t)) return true;
  if (/^not active$/i.test(t)) return false;
  return undefined;
}

function mask(raw: string | undefined): number | undefined {
  const t = cell(raw);
  if (t === undefined || !/^0x[0-9a-f]+$/i.test(t)) return undefined;
  return Number(BigInt(t) & 0xffffffffn);
}

/** Canonical (new) name of a field, whichever name the driver answered to. */
function canonical(field: string): string {
  return field.startsWith(THROTTLE_PREFIX) ? EVENT_PREFIX + field.slice(THROTTLE_PREFIX.length) : field;
}

/** One CSV line in the order of `fields` → a sample. Extra cells (a name with commas) go to the first field. */
export function parseSmiLine(
  line: string,
  fields: readonly string[],
  phase: SamplePhase,
  tMs = 0,
): GpuSample {
  let cells = line.split(',').map((c) => c.trim());
  if (cells.length > fields.length) {
    const extra = cells.length - fields.length;
    cells = [cells.slice(0, extra + 1).join(', '), ...cells.slice(extra + 1)];
  }
  const v: Record<string, string | undefined> = {};
  fields.forEach((f, i) => {
    v[canonical(f)] = cells[i];
  });
  const s: GpuSample = { phase, tMs };
  const set = <K extends keyof GpuSample>(key: K, value: GpuSample[K] | undefined) => {
    if (value !== undefined) s[key] = value;
  };
  set('name', cell(v.name));
  set('computeCapability', cell(v.compute_cap));
  set('driver', cell(v.driver_version));
  set('memoryTotalMiB', num(v['memory.total']));
  set('memoryUsedMiB', num(v['memory.used']));
  set('smClockMHz', num(v['clocks.sm']));
  set('maxSmClockMHz', num(v['clocks.max.sm']));
  set('temperatureC', num(v['temperature.gpu']));
  set('utilizationPct', num(v['utilization.gpu']));
  set('powerDrawW', num(v['power.draw']));
  set('powerLimitW', num(v['power.limit']));
  set('pstate', cell(v.pstate));
  set('reasonsMask', mask(v[`${EVENT_PREFIX}active`]));
  set('hwThermalSlowdown', active(v[`${EVENT_PREFIX}hw_thermal_slowdown`]));
  set('swThermalSlowdown', active(v[`${EVENT_PREFIX}sw_thermal_slowdown`]));
  set('swPowerCap', active(v[`${EVENT_PREFIX}sw_power_cap`]));
  set('hwPowerBrake', active(v[`${EVENT_PREFIX}hw_power_brake_slowdown`]));
  return s;
}
