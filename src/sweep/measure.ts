import { join } from 'node:path';
import type { InputSpec, SweepConfig } from '../config/schema.js';
import { withBatch } from '../inputs/generate.js';
import type { TensorSet } from '../inputs/tensor.js';
import { latencyOf, throughputOf, trialsOf } from '../pipeline/measurements.js';
import type { BuildRequest, ProgressFn, Runner } from '../runners/types.js';
import { RunnerError } from '../runners/types.js';
import type { MeasurePoint } from './sweep.js';

export interface SweepTarget {
  runner: Runner;
  /** The entry's build request; the sweep rebuilds it per batch size. */
  request: Omit<BuildRequest, 'batchSize' | 'inputs' | 'workDir'>;
  inputs: InputSpec[];
  /** Feeds at a batch size (the entry's input data, resized). */
  feeds: (inputs: InputSpec[]) => Promise<TensorSet>;
  workDir: string;
  config: SweepConfig;
  progress: ProgressFn;
}

/**
 * Measures a point with the runner: an engine for that batch size (ONNX Runtime: a session over the
 * dynamic batch dimension; trtexec: an engine built for that shape), then a short benchmark with
 * `concurrency` requests in flight. A failure becomes the point's error, not the entry's.
 */
export function runnerMeasure(target: SweepTarget): MeasurePoint {
  const { runner, config } = target;
  return async (batchSize, concurrency) => {
    if (concurrency > 1 && !runner.concurrentRequests) {
      return { error: `the ${runner.type} runner does not run concurrent requests` };
    }
    const inputs = target.inputs.map((i) => withBatch(i, batchSize));
    target.progress(`sweep batch ${batchSize} × ${concurrency}`);
    let engine: Awaited<ReturnType<Runner['build']>> | undefined;
    try {
      engine = await runner.build(
        { ...target.request, batchSize, inputs, workDir: join(target.workDir, 'sweep') },
        () => {},
      );
      const outcome = await runner.benchmark(
        engine,
        {
          warmup: config.warmup,
          iterations: config.iterations,
          minDurationMs: 0,
          trials: config.trials,
          concurrency,
        },
        await target.feeds(inputs),
        () => {},
      );
      const trials = trialsOf(outcome);
      return {
        latency: latencyOf(trials, outcome.source).pooled,
        itemsPerSec: throughputOf(trials, batchSize).itemsPerSec,
      };
    } catch (error) {
      const message = error instanceof RunnerError ? error.incident.message : (error as Error).message;
      return { error: message.split('\n')[0] ?? String(error) };
    } finally {
      if (engine) await runner.release(engine);
    }
  };
}
