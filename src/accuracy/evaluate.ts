import type { AccuracyLimits, AccuracyMetricName, MetricLimit, Precision } from '../config/schema.js';
import type { HostTensor, TensorSet } from '../inputs/tensor.js';
import { toFloat64 } from '../inputs/tensor.js';
import type { AccuracyMetrics, AccuracyResult, LimitViolation, OutputAccuracy } from '../results/schema.js';
import { formatValue } from '../util/format-number.js';
import { countNonFinite, outputMetrics, worstOf } from './metrics.js';

export type EffectiveLimits = Partial<Record<AccuracyMetricName, MetricLimit>>;

/** Global default ← global per-precision ← model default ← model per-precision. */
export function effectiveLimits(
  precision: Precision,
  global: AccuracyLimits,
  model: AccuracyLimits | undefined,
): EffectiveLimits {
  return {
    ...global.default,
    ...global[precision],
    ...model?.default,
    ...model?.[precision],
  };
}

function isClassifierOutput(dims: number[], override: boolean | undefined): boolean {
  if (override !== undefined) return override;
  return dims.length === 2 && (dims[1] ?? 0) >= 5;
}

/** Compares candidate outputs with the reference's, sample by sample, and applies the limits. */
export function evaluateAccuracy(args: {
  reference: TensorSet[];
  candidate: TensorSet[];
  outputs?: string[];
  classifier?: boolean;
  limits: EffectiveLimits;
  referenceName: string;
}): AccuracyResult {
  const names = args.outputs ?? Object.keys(args.reference[0] ?? {});
  const outputs: OutputAccuracy[] = [];
  const violations: LimitViolation[] = [];
  for (const name of names) {
    const refs = args.reference.map((set) => pick(set, name, 'reference'));
    const cands = args.candidate.map((set) => pick(set, name, 'candidate'));
    const dims = refs[0]!.dims;
    const refValues = refs.map(toFloat64);
    const candValues = cands.map(toFloat64);
    const nonFinite = countNonFinite(candValues);
    const refNonFinite = countNonFinite(refValues);
    if (nonFinite > 0 || refNonFinite > 0) {
      outputs.push({ name, dims, nonFinite, metrics: null });
      if (nonFinite > 0) {
        violations.push({
          output: name,
          metric: 'finite',
          value: nonFinite,
          limit: { max: 0 },
          message: `${name} contains ${nonFinite} NaN/Inf value${nonFinite > 1 ? 's' : ''}`,
        });
      }
      // A NaN/Inf reference would turn every metric into NaN, which passes every limit.
      if (refNonFinite > 0) {
        violations.push({
          output: name,
          metric: 'referenceFinite',
          value: refNonFinite,
          limit: { max: 0 },
          message: `${name}: the reference contains ${refNonFinite} NaN/Inf value${refNonFinite > 1 ? 's' : ''}; accuracy cannot be judged`,
        });
      }
      continue;
    }
    const metrics = outputMetrics({
      reference: refValues,
      candidate: candValues,
      dims,
      classifier: isClassifierOutput(dims, args.classifier),
    });
    outputs.push({ name, dims, nonFinite, metrics });
    violations.push(...limitViolations(name, metrics, args.limits));
  }
  const measured = outputs.flatMap((o) => (o.metrics ? [o.metrics] : []));
  return {
    reference: args.referenceName,
    samples: args.reference.length,
    outputs,
    worst: worstOf(measured),
    violations,
    passed: violations.length === 0,
  };
}

/** The limits a set of metrics violates; metrics it does not carry are skipped. */
export function limitViolations(
  output: string,
  metrics: Partial<AccuracyMetrics>,
  limits: EffectiveLimits,
): LimitViolation[] {
  const out: LimitViolation[] = [];
  for (const [metric, limit] of Object.entries(limits) as Array<[AccuracyMetricName, MetricLimit]>) {
    const value = metrics[metric];
    if (value === undefined) continue;
    if (limit.min !== undefined && value < limit.min) {
      out.push({
        output,
        metric,
        value,
        limit,
        message: `${output}: ${metric} ${formatValue(value, '', metric)} < ${limit.min}`,
      });
    } else if (limit.max !== undefined && value > limit.max) {
      out.push({
        output,
        metric,
        value,
        limit,
        message: `${output}: ${metric} ${formatValue(value, '', metric)} > ${limit.max}`,
      });
    }
  }
  return out;
}

function pick(set: TensorSet, name: string, side: string): HostTensor {
  const t = set[name];
  if (!t) throw new Error(`${side} has no output named "${name}" (has: ${Object.keys(set).join(', ')})`);
  return t;
}
