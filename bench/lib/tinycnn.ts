/**
 * What the gate-quality benches share: tinycnn at a batch size, its engines, the baseline key of
 * their synthetic history, and an Entry from one runner outcome (as the pipeline would record it).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeModel } from '../../examples/quickstart/models-src/builder.js';
import { type SampleVariant, tinyCnn } from '../../examples/quickstart/models-src/sample-models.js';
import { InputSpec, type ThresholdSpec, TrtGateConfig } from '../../src/config/schema.js';
import { InputSource, withBatch } from '../../src/inputs/generate.js';
import type { TensorSet } from '../../src/inputs/tensor.js';
import { latencyOf } from '../../src/pipeline/measurements.js';
import type { BaselineKey, Entry } from '../../src/results/schema.js';
import type { BenchmarkOutcome, BuiltEngine, Runner } from '../../src/runners/types.js';
import { summarize } from '../../src/stats/summary.js';

export const SHIPPED_TINYCNN = 'examples/quickstart/models/tinycnn-fp32.onnx';

export class TinyCnnBench {
  readonly input: InputSpec;
  readonly key: BaselineKey;
  private built = 0;

  private constructor(
    readonly batch: number,
    readonly feeds: TensorSet,
    readonly workDir: string,
  ) {
    this.input = withBatch(InputSpec.parse({ name: 'image', shape: [1, 3, 32, 32] }), batch);
    this.key = {
      model: 'tinycnn',
      precision: 'fp32',
      batchSize: batch,
      runner: 'onnxruntime',
      device: 'bench',
      runtime: 'bench',
      optionsHash: 'bench',
    };
  }

  static async create(batch: number, prefix: string): Promise<TinyCnnBench> {
    const input = withBatch(InputSpec.parse({ name: 'image', shape: [1, 3, 32, 32] }), batch);
    const feeds = await new InputSource([input], (p) => p).sample(0);
    return new TinyCnnBench(batch, feeds, await mkdtemp(join(tmpdir(), prefix)));
  }

  /** An engine of an ONNX file (its own work directory: every engine is its own session). */
  engine(runner: Runner, onnxPath = SHIPPED_TINYCNN): Promise<BuiltEngine> {
    return runner.build(
      {
        model: 'tinycnn',
        precision: 'fp32',
        batchSize: this.batch,
        onnxPath,
        inputs: [this.input],
        workDir: join(this.workDir, String(this.built++)),
      },
      () => {},
    );
  }

  /** A seeded tinycnn variant written here (byte for byte the same every time), e.g. a slower one. */
  async variantFile(name: string, variant: Omit<SampleVariant, 'encoding'>): Promise<string> {
    const path = join(this.workDir, `${name}.onnx`);
    await writeFile(path, encodeModel(tinyCnn({ encoding: 'fp32', ...variant })));
    return path;
  }

  /** The entry a run with these trials records. */
  entry(outcome: BenchmarkOutcome, label: string): Entry {
    const trials = outcome.trials.map((samples, i) => ({
      samples,
      stats: summarize(samples),
      wallMs: outcome.wallMs[i]!,
    }));
    return {
      id: `tinycnn/fp32/b${this.batch}`,
      model: 'tinycnn',
      precision: 'fp32',
      batchSize: this.batch,
      status: 'ok',
      key: this.key,
      latency: latencyOf(trials, label),
      incidents: [],
    };
  }
}

/** The default latency thresholds, optionally with another minimum effect for latency.p50. */
export function latencyThresholds(minEffectPct?: number): Record<string, ThresholdSpec> {
  const all = TrtGateConfig.shape.thresholds.parse(
    minEffectPct === undefined ? undefined : { 'latency.p50': { model: 'statistical', minEffectPct } },
  );
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('latency.')));
}
