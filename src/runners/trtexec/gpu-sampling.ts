/** Sampling the GPU around and during a benchmark run. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { NvidiaSmi } from './nvidia-smi.js';
import type { GpuSample, SamplePhase } from './smi-csv.js';

/** One sample, or undefined when nvidia-smi is off or the query failed (health is then not judged). */
export async function sampleGpu(
  smi: NvidiaSmi | undefined,
  phase: SamplePhase,
): Promise<GpuSample | undefined> {
  if (!smi) return undefined;
  return (await smi.query(phase)).sample;
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
