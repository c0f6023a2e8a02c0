import { join } from 'node:path';
import type { InputSpec, ModelConfig, Precision, TrtGateConfig } from '../config/schema.js';
import type { InputSource } from '../inputs/generate.js';
import type { TensorSet } from '../inputs/tensor.js';
import { toFloat64 } from '../inputs/tensor.js';
import { loadValidationSet, type ValidationSet } from '../inputs/validation.js';
import type { AccuracyResult, Environment, Incident, ValidationInfo } from '../results/schema.js';
import type { BuildRequest, BuiltEngine, Runner } from '../runners/types.js';
import { effectiveLimits, evaluateAccuracy, limitViolations } from './evaluate.js';
import { accuracyIncident } from './incident.js';
import { topKAccuracy } from './labelled.js';
import { localize } from './localize.js';
import { accuracyMetricsWhere } from './metric-table.js';
import { outputMetrics } from './metrics.js';
import type { AccuracyReference } from './reference.js';

/** Cosine below which a layer counts as diverged when the limits set none. */
export const DEFAULT_DIVERGENCE_COSINE = 0.999;
/** Failing samples (batches) localization runs on: the worst ones. */
const LOCALIZE_SAMPLES = 2;

/** What entries of one model and batch size share: the inputs and the fp32 reference's outputs. */
export class AccuracyCache {
  private readonly shared = new Map<string, Promise<unknown>>();
  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let found = this.shared.get(key) as Promise<T> | undefined;
    if (!found) {
      found = make();
      this.shared.set(key, found);
    }
    return found;
  }
}

export interface ValidationRequest {
  model: ModelConfig;
  modelIndex: number;
  batchSize: number;
  /** The inputs at this batch size. */
  inputs: InputSpec[];
  resolve: (path: string) => string;
  configFile: string;
  cache: AccuracyCache;
}

export interface AccuracyStageInput extends ValidationRequest {
  config: TrtGateConfig;
  precision: Precision;
  /** Generated data for the inputs (used without validation data). */
  source: InputSource;
  runner: Runner;
  engine: BuiltEngine;
  build: BuildRequest;
  environment?: Environment;
  workDir: string;
  progress: (message: string) => void;
  /** What the candidate is compared against (the port; default: ONNX Runtime CPU, fp32). */
  reference: AccuracyReference;
}

export interface AccuracyStageOutcome {
  accuracy: AccuracyResult;
  incident?: Incident;
}

/**
 * The model's validation set at this batch size, read once per run; undefined without one.
 * The pipeline calls it before any work, so a bad data file fails the run up front.
 */
export function validationSetFor(req: ValidationRequest): Promise<ValidationSet> | undefined {
  const validation = req.model.validation;
  if (!validation) return undefined;
  return req.cache.once(`validation:${req.model.name}/b${req.batchSize}`, () =>
    loadValidationSet({
      config: validation,
      dataPath: req.resolve(validation.data),
      labelsPath: validation.labels ? req.resolve(validation.labels) : undefined,
      inputs: req.inputs,
      batchSize: req.batchSize,
      where: { file: req.configFile, path: `models[${req.modelIndex}].validation` },
    }),
  );
}

/** The feeds: batches of the validation set when configured, else generated samples. */
async function feedsFor(input: AccuracyStageInput): Promise<{ feeds: TensorSet[]; set?: ValidationSet }> {
  const pending = validationSetFor(input);
  if (!pending) {
    const feeds: TensorSet[] = [];
    for (let s = 0; s < input.config.accuracy.samples; s++) feeds.push(await input.source.sample(s));
    return { feeds };
  }
  const set = await pending;
  return { feeds: Array.from({ length: set.batches }, (_, b) => set.batch(b)), set };
}

function classifierOutput(model: ModelConfig, reference: TensorSet): string | undefined {
  if (model.validation?.output) return model.validation.output;
  const names = model.outputs ?? Object.keys(reference);
  return names.find((n) => {
    const dims = reference[n]?.dims ?? [];
    return model.classifier ?? (dims.length === 2 && (dims[1] ?? 0) >= 5);
  });
}

/** Sample indices ordered from the worst cosine (first compared output) to the best. */
function worstSamples(reference: TensorSet[], candidate: TensorSet[], output: string): number[] {
  const scores = reference.map((r, s) => {
    const c = candidate[s]?.[output];
    const ref = r[output];
    if (!c || !ref) return Number.NEGATIVE_INFINITY;
    const cv = toFloat64(c);
    if (cv.some((v) => !Number.isFinite(v))) return Number.NEGATIVE_INFINITY;
    return outputMetrics({ reference: [toFloat64(ref)], candidate: [cv], dims: ref.dims, classifier: false })
      .cosine;
  });
  return scores
    .map((score, s) => ({ score, s }))
    .sort((a, b) => a.score - b.score || a.s - b.s)
    .map((x) => x.s);
}

/**
 * Accuracy of one entry: candidate outputs vs the fp32 reference (and vs labels when the
 * validation set has them); when a limit fails, the first diverging layer and an incident.
 */
export async function runAccuracyStage(input: AccuracyStageInput): Promise<AccuracyStageOutcome> {
  const { model, precision, batchSize, config } = input;
  const { feeds, set } = await feedsFor(input);
  input.progress(
    set
      ? `${set.items} validation items (${set.batches} batches) vs ${input.reference.name}`
      : `${feeds.length} samples vs ${input.reference.name}`,
  );
  const reference = await input.cache.once(`reference:${model.name}/b${batchSize}`, () =>
    input.reference.outputs(input.resolve(model.onnx), feeds),
  );
  const candidate = await input.runner.infer(input.engine, feeds);
  const limits = effectiveLimits(precision, config.accuracy.limits, model.accuracy?.limits);
  const accuracy = evaluateAccuracy({
    reference,
    candidate,
    outputs: model.outputs,
    classifier: model.classifier,
    limits,
    referenceName: input.reference.name,
  });

  if (set) {
    const info: ValidationInfo = { source: set.source, total: set.total, items: set.items };
    if (set.subset) info.subset = set.subset;
    const output = set.labels ? classifierOutput(model, reference[0] ?? {}) : undefined;
    if (set.labels && output) {
      const cand = topKAccuracy(candidate, output, set.labels);
      const ref = await input.cache.once(`labelled:${model.name}/b${batchSize}/${output}`, async () =>
        topKAccuracy(reference, output, set.labels!),
      );
      info.labelled = {
        output,
        top1: cand.top1,
        top5: cand.top5,
        reference: ref,
        top1Drop: ref.top1 - cand.top1,
        top5Drop: ref.top5 - cand.top5,
      };
      const metrics = {
        top1Accuracy: cand.top1,
        top5Accuracy: cand.top5,
        top1Drop: info.labelled.top1Drop,
        top5Drop: info.labelled.top5Drop,
      };
      if (accuracy.worst) Object.assign(accuracy.worst, metrics);
      accuracy.violations.push(...limitViolations(output, metrics, limits));
    }
    accuracy.validation = info;
  }
  // A limit on labelled accuracy that could not be computed must not pass silently.
  for (const metric of accuracyMetricsWhere('labels')) {
    if (limits[metric] && accuracy.validation?.labelled === undefined) {
      accuracy.violations.push({
        output: model.outputs?.[0] ?? '',
        metric,
        value: null,
        limit: limits[metric],
        message: `a limit on ${metric} is set but there are no labelled validation data (models[${input.modelIndex}].validation with labels)`,
      });
    }
  }
  accuracy.passed = accuracy.violations.length === 0;

  if (!accuracy.passed) {
    const firstOutput = accuracy.outputs[0]?.name;
    const order = firstOutput ? worstSamples(reference, candidate, firstOutput) : [0];
    const samples = order.slice(0, LOCALIZE_SAMPLES);
    input.progress(`localizing the first diverging layer on ${samples.length} failing samples`);
    accuracy.localization = await localize({
      runner: input.runner,
      build: input.build,
      referenceOnnx: input.resolve(model.onnx),
      feeds: samples.map((s) => feeds[s]!),
      samples,
      cosineBelow: limits.cosine?.min ?? DEFAULT_DIVERGENCE_COSINE,
      workDir: join(input.workDir, 'localize', `${model.name}-${precision}-b${batchSize}`),
    });
  }
  const incident = accuracyIncident(precision, accuracy, input.environment);
  return incident ? { accuracy, incident } : { accuracy };
}
