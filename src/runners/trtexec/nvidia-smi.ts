/**
 * Querying nvidia-smi for one GPU:
 *   nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits -i <gpu>
 * Drivers before R535 answer `Field "clocks_event_reasons.active" is not a valid field to query.` for the
 * new reason names, so the query is retried with the old ones (and any other field the driver rejects is
 * dropped rather than failing the whole query).
 */
import { combinedLog, invoke, succeeded } from './invoke.js';
import {
  EVENT_PREFIX,
  type GpuSample,
  parseSmiLine,
  QUERY_FIELDS,
  type SamplePhase,
  THROTTLE_PREFIX,
} from './smi-csv.js';

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
