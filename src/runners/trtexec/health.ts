/**
 * Whether one benchmark attempt's GPU samples (nvidia-smi, before / during / after) can be trusted:
 * thermal or power throttling, hardware slowdown, or an SM clock well below the reference make the
 * latency not comparable. Querying is in ./nvidia-smi.ts, CSV parsing in ./smi-csv.ts, sampling in
 * ./gpu-sampling.ts.
 */
import type { Incident } from '../../results/schema.js';
import type { HealthOptions } from './options.js';
import { type GpuSample, REASON_BITS, type SamplePhase } from './smi-csv.js';

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

type ReasonFlag = 'hwThermalSlowdown' | 'swThermalSlowdown' | 'swPowerCap' | 'hwPowerBrake';

/** A reason counts when nvidia-smi reports it by name (`Active`) or as a bit of the active mask. */
const reasonActive = (s: GpuSample, flags: ReasonFlag[], bits: number[]) =>
  flags.some((f) => s[f] === true) || bits.some((bit) => has(s, bit));

/** Judges samples taken before, during and after one benchmark attempt. */
export function assessHealth(samples: GpuSample[], options: HealthOptions): HealthAssessment {
  const findings: Finding[] = [];
  const count = (pred: (s: GpuSample) => boolean) => samples.filter(pred).length;
  const of = `of ${samples.length} nvidia-smi samples`;

  const thermal = count((s) =>
    reasonActive(
      s,
      ['hwThermalSlowdown', 'swThermalSlowdown'],
      [REASON_BITS.hwThermal, REASON_BITS.swThermal],
    ),
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
    const power = count((s) =>
      reasonActive(s, ['swPowerCap', 'hwPowerBrake'], [REASON_BITS.swPowerCap, REASON_BITS.hwPowerBrake]),
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
          ? [] // the thermal playbook says it all
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
  if (s.utilizationPct !== undefined) parts.push(`${s.utilizationPct} % busy`);
  if (s.powerDrawW !== undefined) parts.push(`${s.powerDrawW}/${s.powerLimitW ?? '?'} W`);
  if (s.pstate) parts.push(s.pstate);
  if (s.reasonsMask !== undefined) parts.push(`reasons 0x${s.reasonsMask.toString(16)}`);
  return parts.join(', ');
}

function summarizeSamples(samples: GpuSample[]): Record<string, unknown> {
  const values = (key: keyof GpuSample) =>
    samples.map((s) => s[key]).filter((v): v is number => typeof v === 'number');
  const range = (key: keyof GpuSample, of = samples) => {
    const v = of.map((s) => s[key]).filter((x): x is number => typeof x === 'number');
    return v.length ? { min: Math.min(...v), max: Math.max(...v) } : undefined;
  };
  const during = samples.filter((s) => s.phase === 'during');
  const phases = (p: SamplePhase) => samples.filter((s) => s.phase === p).length;
  return {
    source: 'nvidia-smi',
    samples: { before: phases('before'), during: phases('during'), after: phases('after') },
    smClockMHz: range('smClockMHz'),
    maxSmClockMHz: values('maxSmClockMHz')[0],
    temperatureC: range('temperatureC'),
    memoryUsedMiB: range('memoryUsedMiB'),
    // While trtexec ran only: the idle samples around it say nothing about the workload.
    utilizationPct: range('utilizationPct', during),
    powerDrawW: range('powerDrawW'),
    reasonsSeen: [...new Set(values('reasonsMask'))].map((m) => `0x${m.toString(16)}`),
    timeline: samples.slice(0, 100).map(formatSample),
  };
}
