/**
 * GPU health around a benchmark, from nvidia-smi:
 *   nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits [-i <gpu>]
 * prints one CSV line per GPU, `, `-separated. Unavailable values print as `[N/A]` or `[Not Supported]`;
 * throttle reasons print as `Active` / `Not Active`, and `clocks_event_reasons.active` as a hex bitmask
 * (NVML clocksEventReasons: 0x1 GPU idle, 0x4 SW power cap, 0x8 HW slowdown, 0x20 SW thermal slowdown,
 * 0x40 HW thermal slowdown, 0x80 HW power brake). Drivers before R535 name the reasons
 * `clocks_throttle_reasons.*` and answer `Field "clocks_event_reasons.active" is not a valid field to query.`
 * for the new names, so the query is retried with the old ones (and any other field the driver rejects is
 * dropped rather than failing the whole query).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Incident } from '../../results/schema.js';
import { combinedLog, invoke, succeeded } from './invoke.js';
import type { HealthOptions } from './options.js';

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
] as const;

const EVENT_PREFIX = 'clocks_event_reasons.';
const THROTTLE_PREFIX = 'clocks_throttle_reasons.';

export const REASON_BITS = {
  gpuIdle: 0x1,
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

/** The GPU trtexec uses by default (device 0 of CUDA_VISIBLE_DEVICES) as an nvidia-smi `-i` value. */
export function gpuSelector(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env.CUDA_VISIBLE_DEVICES ?? '').split(',')[0]?.trim() ?? '';
  return /^\d+$/.test(first) || /^GPU-[0-9a-fA-F-]+$/.test(first) ? first : '0';
}

export interface SmiResult {
  sample?: GpuSample;
  error?: string;
}

/** nvidia-smi with the field list settled on the first successful query (new or old reason names). */
export class NvidiaSmi {
  private fields: string[] = [...QUERY_FIELDS];
  private readonly origin = performance.now();

  constructor(
    readonly file: string,
    private readonly selector = gpuSelector(),
    private readonly timeoutMs = 10_000,
  ) {}

  /** The field names the driver accepted (after any renaming / dropping). */
  get queryFields(): readonly string[] {
    return this.fields;
  }

  async query(phase: SamplePhase): Promise<SmiResult> {
    for (let attempt = 0; attempt < QUERY_FIELDS.length; attempt++) {
      const run = await invoke(
        this.file,
        [`--query-gpu=${this.fields.join(',')}`, '--format=csv,noheader,nounits', '-i', this.selector],
        { timeoutMs: this.timeoutMs },
      );
      if (run.spawnError) return { error: `cannot run ${this.file}: ${run.spawnError.message}` };
      const log = combinedLog(run);
      const invalid = /Field "([^"]+)" is not a valid field to query/.exec(log)?.[1];
      if (invalid) {
        if (invalid.startsWith(EVENT_PREFIX) && this.fields.some((f) => f.startsWith(EVENT_PREFIX))) {
          this.fields = this.fields.map((f) =>
            f.startsWith(EVENT_PREFIX) ? THROTTLE_PREFIX + f.slice(EVENT_PREFIX.length) : f,
          );
          continue;
        }
        if (this.fields.includes(invalid) && invalid !== 'name') {
          this.fields = this.fields.filter((f) => f !== invalid);
          continue;
        }
        return { error: `nvidia-smi rejected the query: ${log.trim().split('\n')[0]}` };
      }
      if (!succeeded(run)) {
        const why = run.timedOut ? 'timed out' : `exited with code ${run.exitCode ?? run.signal}`;
        return { error: `nvidia-smi ${why}: ${log.trim().split('\n')[0] ?? ''}` };
      }
      const line = run.stdout.split('\n').find((l) => l.trim() !== '');
      if (!line) return { error: 'nvidia-smi printed no GPU' };
      return { sample: parseSmiLine(line, this.fields, phase, performance.now() - this.origin) };
    }
    return { error: 'nvidia-smi rejected every field of the query' };
  }
}

/**
 * Runs `work` and samples the GPU every `intervalMs` until it settles (at most `maxSamples` samples):
 * a bounded loop that stops with the work, never outliving it.
 */
export async function sampleDuring<T>(
  work: Promise<T>,
  sample: () => Promise<GpuSample | undefined>,
  intervalMs: number,
  maxSamples: number,
): Promise<{ result: T; samples: GpuSample[] }> {
  const samples: GpuSample[] = [];
  const stop = new AbortController();
  const settled = work.then(
    () => stop.abort(),
    () => stop.abort(),
  );
  const loop = (async () => {
    while (!stop.signal.aborted && samples.length < maxSamples) {
      try {
        await sleep(intervalMs, undefined, { signal: stop.signal });
      } catch {
        break;
      }
      const s = await sample();
      if (s && !stop.signal.aborted) samples.push(s);
    }
  })();
  try {
    const result = await work;
    return { result, samples };
  } finally {
    stop.abort();
    await settled;
    await loop;
  }
}

export interface HealthAssessment {
  /** Why the measurement cannot be trusted; undefined when it can. */
  unreliable?: string;
  incidents: Incident[];
  summary: Record<string, unknown>;
}

interface Finding {
  kind: 'thermal-throttling' | 'unreliable-measurement';
  message: string;
}

const has = (s: GpuSample, bit: number) => s.reasonsMask !== undefined && (s.reasonsMask & bit) !== 0;

/** Judges samples taken before, during and after one benchmark attempt. */
export function assessHealth(samples: GpuSample[], options: HealthOptions): HealthAssessment {
  const findings: Finding[] = [];
  const count = (pred: (s: GpuSample) => boolean) => samples.filter(pred).length;
  const of = `of ${samples.length} nvidia-smi samples`;

  const thermal = count(
    (s) =>
      s.hwThermalSlowdown === true ||
      s.swThermalSlowdown === true ||
      has(s, REASON_BITS.hwThermal) ||
      has(s, REASON_BITS.swThermal),
  );
  if (thermal > 0)
    findings.push({ kind: 'thermal-throttling', message: `thermal slowdown active in ${thermal} ${of}` });

  const hottest = Math.max(...samples.map((s) => s.temperatureC ?? Number.NEGATIVE_INFINITY));
  if (hottest > options.maxTemperatureC) {
    findings.push({
      kind: 'thermal-throttling',
      message: `GPU temperature reached ${hottest} °C (limit ${options.maxTemperatureC} °C)`,
    });
  }

  if (options.powerCapIsUnreliable) {
    const power = count(
      (s) =>
        s.swPowerCap === true ||
        s.hwPowerBrake === true ||
        has(s, REASON_BITS.swPowerCap) ||
        has(s, REASON_BITS.hwPowerBrake),
    );
    if (power > 0)
      findings.push({ kind: 'unreliable-measurement', message: `power capping active in ${power} ${of}` });
  }
  const hwSlow = count((s) => has(s, REASON_BITS.hwSlowdown));
  if (hwSlow > 0 && thermal === 0) {
    findings.push({ kind: 'unreliable-measurement', message: `hardware slowdown active in ${hwSlow} ${of}` });
  }

  // Idle samples (before the engine is loaded, after it exits) run at idle clocks by design.
  const busy = samples.filter((s) => s.smClockMHz !== undefined && !has(s, REASON_BITS.gpuIdle));
  let lowest: { sample: GpuSample; ratio: number; reference: number } | undefined;
  for (const s of busy) {
    const reference = options.expectedSmClockMHz ?? s.maxSmClockMHz;
    if (!reference) continue;
    const ratio = s.smClockMHz! / reference;
    if (!lowest || ratio < lowest.ratio) lowest = { sample: s, ratio, reference };
  }
  if (lowest && lowest.ratio < options.minSmClockRatio) {
    const what = options.expectedSmClockMHz ? 'the expected (locked)' : 'the maximum';
    findings.push({
      kind: 'unreliable-measurement',
      message: `SM clock fell to ${lowest.sample.smClockMHz} MHz, ${(lowest.ratio * 100).toFixed(0)}% of ${what} ${lowest.reference} MHz (minimum ${(options.minSmClockRatio * 100).toFixed(0)}%)`,
    });
  }

  const summary = summarizeSamples(samples);
  if (findings.length === 0) return { incidents: [], summary };
  const unreliable = findings.map((f) => f.message).join('; ');
  const incidents: Incident[] = [];
  for (const kind of ['thermal-throttling', 'unreliable-measurement'] as const) {
    const mine = findings.filter((f) => f.kind === kind);
    if (mine.length === 0) continue;
    incidents.push({
      kind,
      stage: 'benchmark',
      title:
        kind === 'thermal-throttling'
          ? 'GPU throttled for heat during the benchmark'
          : 'GPU clocks were not stable during the benchmark',
      message: `${mine.map((f) => f.message).join('; ')}; the latency of this run is not comparable and is not gated.`,
      logExcerpt: samples.map(formatSample).join('\n').slice(0, 2000),
      nextSteps:
        kind === 'thermal-throttling'
          ? [
              'Check the runner machine cooling (fans, airflow, dust) and that no other job heats the GPU.',
              'Lock clocks below the boost range (`sudo nvidia-smi -lgc <MHz>,<MHz>`) so the GPU stays under its thermal limit.',
              'Add a cooldown between models (runner.health.cooldownSec) or lower benchmark duration.',
            ]
          : [
              'Lock the GPU clocks (`sudo nvidia-smi -pm 1` and `sudo nvidia-smi -lgc <MHz>,<MHz>`) and set runner.health.expectedSmClockMHz.',
              'Check for other processes on the GPU (`nvidia-smi`) and for power limits (`nvidia-smi -q -d POWER`).',
              'If power capping is expected on this GPU, set runner.health.powerCapIsUnreliable: false.',
            ],
    });
  }
  return { unreliable, incidents, summary };
}

export function formatSample(s: GpuSample): string {
  const parts = [`${s.phase} +${Math.round(s.tMs)}ms`];
  if (s.smClockMHz !== undefined) parts.push(`sm ${s.smClockMHz}/${s.maxSmClockMHz ?? '?'} MHz`);
  if (s.temperatureC !== undefined) parts.push(`${s.temperatureC} °C`);
  if (s.powerDrawW !== undefined) parts.push(`${s.powerDrawW}/${s.powerLimitW ?? '?'} W`);
  if (s.pstate) parts.push(s.pstate);
  if (s.reasonsMask !== undefined) parts.push(`reasons 0x${s.reasonsMask.toString(16)}`);
  return parts.join(', ');
}

function summarizeSamples(samples: GpuSample[]): Record<string, unknown> {
  const values = (key: keyof GpuSample) =>
    samples.map((s) => s[key]).filter((v): v is number => typeof v === 'number');
  const range = (key: keyof GpuSample) => {
    const v = values(key);
    return v.length ? { min: Math.min(...v), max: Math.max(...v) } : undefined;
  };
  const phases = (p: SamplePhase) => samples.filter((s) => s.phase === p).length;
  return {
    source: 'nvidia-smi',
    samples: { before: phases('before'), during: phases('during'), after: phases('after') },
    smClockMHz: range('smClockMHz'),
    maxSmClockMHz: values('maxSmClockMHz')[0],
    temperatureC: range('temperatureC'),
    powerDrawW: range('powerDrawW'),
    reasonsSeen: [...new Set(values('reasonsMask'))].map((m) => `0x${m.toString(16)}`),
    timeline: samples.slice(0, 100).map(formatSample),
  };
}
