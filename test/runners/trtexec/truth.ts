/** The trtexec2 fixtures (real trtexec output) and their truth.json, read by eye (see its README.md). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IncidentKind } from '../../../src/results/schema.js';

export const TRUTH_DIR = fileURLToPath(new URL('../../fixtures/trtexec2/', import.meta.url));

export interface Stats {
  min?: number;
  max?: number;
  mean?: number;
  median?: number;
  p90?: number;
  p95?: number;
  p99?: number;
}

export interface TruthCase {
  file: string;
  kind: string;
  tool: string;
  tensorrtVersion: string;
  status: 'success' | 'failure';
  failureClass?: string | null;
  stage?: 'build' | 'benchmark';
  throughputQps?: number | null;
  latencyMs?: Stats;
  gpuComputeMs?: Stats;
  totalHostWalltimeS?: number;
  timedQueries?: number;
  unstableCvPct?: number;
  device?: string | null;
  computeCapability?: string | null;
  batchSize?: number | null;
  precisionFlags?: string[];
  cut?: boolean;
  notes?: string;
}

export const TRUTH = (JSON.parse(readFileSync(`${TRUTH_DIR}truth.json`, 'utf8')) as { cases: TruthCase[] })
  .cases;

export function truthFile(name: string): string {
  return readFileSync(`${TRUTH_DIR}${name}`, 'utf8');
}

/** truth.json's failure classes, in trt-gate's incident kinds. */
export const KIND_OF_CLASS: Record<string, IncidentKind> = {
  'build failure': 'engine-build-failure',
  'unsupported operator or plugin': 'unsupported-operator',
  'out of memory': 'out-of-memory',
  'invalid shape': 'shape-profile-error',
  'version mismatch': 'engine-mismatch',
  'unknown option': 'unknown-option',
  other: 'runtime-error',
};
