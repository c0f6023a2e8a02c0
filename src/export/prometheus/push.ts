import pRetry, { AbortError } from 'p-retry';
import { Pushgateway, type Registry } from 'prom-client';
import { ExitCode, TrtGateError } from '../../errors.js';
import { deviceKey } from '../../pipeline/entry.js';
import type { Results } from '../../results/schema.js';
import { buildRegistry } from './metrics.js';

/** A push the Pushgateway refused or never answered, after the retries. */
export class PushError extends TrtGateError {
  constructor(message: string) {
    super(message, ExitCode.data);
  }
}

export interface PushOptions {
  /** Pushgateway base URL, e.g. http://pushgateway:9091. */
  url: string;
  /** The `job` grouping key (default `trt-gate`). */
  job?: string;
  /** Retries after the first attempt for connection errors, 5xx and 429 (default 3). */
  retries?: number;
  /** First retry delay, ms (default 500; doubles each time). */
  minTimeoutMs?: number;
  /** Per-request timeout, ms (default 10 s). */
  timeoutMs?: number;
  onRetry?: (message: string) => void;
}

export interface PushedGroup {
  job: string;
  instance: string;
  series: number;
}

/**
 * Pushgateway grouping values may not contain `/` unless base64-encoded; a device name such as
 * `NVIDIA H100 (sm 9.0)` is reduced to a safe token instead, so the URL stays readable.
 */
export function instanceOf(device: string): string {
  return device.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'unknown';
}

function checkUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TrtGateError(`--push ${url}: expected an http(s) URL of a Pushgateway`, ExitCode.usage);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TrtGateError(`--push ${url}: expected an http(s) URL, got ${parsed.protocol}`, ExitCode.usage);
  }
  return parsed;
}

/**
 * Pushes each device's runs as its own group (job + instance = device), with PUT so a group holds
 * exactly this run's series: matrix jobs on different GPUs never overwrite each other. Connection
 * errors, 5xx and 429 are retried with backoff; other 4xx mean the payload or URL is wrong and fail
 * at once.
 */
export async function pushToGateway(runs: readonly Results[], options: PushOptions): Promise<PushedGroup[]> {
  checkUrl(options.url);
  const job = options.job ?? 'trt-gate';
  const byDevice = new Map<string, Results[]>();
  for (const run of runs) {
    const device = deviceKey(run.environment);
    byDevice.set(device, [...(byDevice.get(device) ?? []), run]);
  }
  const pushed: PushedGroup[] = [];
  for (const [device, group] of byDevice) {
    const registry = buildRegistry(group);
    const instance = instanceOf(device);
    await pushOne(registry, { job, instance }, options);
    const series = (await registry.getMetricsAsJSON()).reduce((n, m) => n + m.values.length, 0);
    pushed.push({ job, instance, series });
  }
  return pushed;
}

async function pushOne(
  registry: Registry,
  group: { job: string; instance: string },
  options: PushOptions,
): Promise<void> {
  const gateway = new Pushgateway(options.url, { timeout: options.timeoutMs ?? 10_000 }, registry);
  const where = `${options.url} (job ${group.job}, instance ${group.instance})`;
  try {
    await pRetry(
      async () => {
        try {
          await gateway.push({ jobName: group.job, groupings: { instance: group.instance } });
        } catch (error) {
          const message = (error as Error).message;
          const status = /status (\d{3})/.exec(message)?.[1];
          if (status && status !== '429' && status.startsWith('4')) throw new AbortError(message);
          throw error;
        }
      },
      {
        retries: options.retries ?? 3,
        minTimeout: options.minTimeoutMs ?? 500,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft > 0) {
            options.onRetry?.(
              `push to ${where} failed (attempt ${attemptNumber}): ${error.message}; retrying`,
            );
          }
        },
      },
    );
  } catch (error) {
    throw new PushError(`could not push metrics to the Pushgateway at ${where}: ${(error as Error).message}`);
  }
}
