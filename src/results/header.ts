import { randomUUID } from 'node:crypto';
import { toolVersion } from '../version.js';
import { RESULTS_SCHEMA_VERSION, type Results } from './schema.js';

/** What every results file starts with, whoever writes it (a run, an A/B run, an import). */
export function resultsHeader(): Pick<Results, 'schemaVersion' | 'tool' | 'runId' | 'createdAt'> {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'trt-gate', version: toolVersion() },
    runId: randomUUID(),
    createdAt: new Date().toISOString(),
  };
}
