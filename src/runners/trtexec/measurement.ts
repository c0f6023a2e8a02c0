/**
 * What a trtexec benchmark measures, per TensorRT version, and the flags that pin it.
 *
 * Defaults (sampleOptions.cpp help text of each version; TensorRT 11 release notes / migration guide):
 *              data transfers   spin-wait   CUDA graphs   TF32 for "fp32"
 *   8.6, 10.x  included         off         off           on (Ampere+) unless --noTF32
 *   11.x       excluded         on          on            on (Ampere+) unless --noTF32
 * 11.x: --noDataTransfers, --useSpinWait, --useCudaGraph and --separateProfileRun are deprecated
 * no-ops; --includeDataTransfers, --noSpinWait and --noCudaGraph turn the old behaviour back on.
 *
 * The effective mode enters the options hash (./build.ts), so a TensorRT upgrade that changes the
 * definition of "latency" gives a new baseline key (environment-mismatch with the reason), never a
 * fake improvement; results record it in build.details.measurement.
 */
import type { TrtVersion } from './parse/version.js';

export interface MeasurementMode {
  /** Host↔device copies inside the measured latency. */
  dataTransfers: boolean;
  spinWait: boolean;
  cudaGraph: boolean;
  /** Whether fp32 layers may run as TF32 (only on Ampere and newer GPUs). */
  tf32: boolean;
}

/** What the config asks for; unset = the version's default. */
export interface MeasurementChoice {
  dataTransfers?: boolean;
  spinWait?: boolean;
  cudaGraph?: boolean;
  tf32?: boolean;
}

export function defaultMode(v: Pick<TrtVersion, 'major'>): MeasurementMode {
  const eleven = v.major >= 11;
  return { dataTransfers: !eleven, spinWait: eleven, cudaGraph: eleven, tf32: true };
}

export function effectiveMode(choice: MeasurementChoice, v: Pick<TrtVersion, 'major'>): MeasurementMode {
  const d = defaultMode(v);
  return {
    dataTransfers: choice.dataTransfers ?? d.dataTransfers,
    spinWait: choice.spinWait ?? d.spinWait,
    cudaGraph: choice.cudaGraph ?? d.cudaGraph,
    tf32: choice.tf32 ?? d.tf32,
  };
}

/** Run flags that give `choice` on this version: only what differs from its default. */
export function measurementRunFlags(choice: MeasurementChoice, v: Pick<TrtVersion, 'major'>): string[] {
  const want = effectiveMode(choice, v);
  const d = defaultMode(v);
  const out: string[] = [];
  if (v.major >= 11) {
    if (want.dataTransfers && !d.dataTransfers) out.push('--includeDataTransfers');
    if (!want.spinWait && d.spinWait) out.push('--noSpinWait');
    if (!want.cudaGraph && d.cudaGraph) out.push('--noCudaGraph');
  } else {
    if (want.spinWait && !d.spinWait) out.push('--useSpinWait');
    if (want.cudaGraph && !d.cudaGraph) out.push('--useCudaGraph');
    if (!want.dataTransfers && d.dataTransfers) out.push('--noDataTransfers');
  }
  return out;
}
