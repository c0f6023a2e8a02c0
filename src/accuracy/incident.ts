import type { Precision } from '../config/schema.js';
import type { AccuracyResult, Environment, Incident, LimitViolation } from '../results/schema.js';
import { formatCosine, formatPlain, formatValue } from '../util/format-number.js';
import { accuracyMetricInfo } from './metric-table.js';

/**
 * The accuracy incident written from what was measured: which metric failed by how much against
 * which limit, and where the candidate first leaves the fp32 reference. Its own next step keeps the
 * diverging layer in higher precision, in the runner's and version's syntax; the writers add the
 * accuracy playbook (re-calibrate INT8, mixed precision, roll back) after it. Attached by the accuracy stage, so the
 * report's generic accuracy detector (which skips kinds already attached) does not repeat it.
 */

const fmt = (value: number, digits = 4) => formatPlain(value, digits);

function points(fraction: number): string {
  return `${fmt(fraction * 100, 3)} point${Math.abs(fraction * 100) === 1 ? '' : 's'}`;
}

function limitOf(v: LimitViolation, scale = 1): string {
  const parts: string[] = [];
  if (v.limit.min !== undefined) parts.push(`min ${fmt(v.limit.min * scale)}`);
  if (v.limit.max !== undefined) parts.push(`${scale === 1 ? 'max ' : ''}${fmt(v.limit.max * scale)}`);
  return parts.join(', ');
}

/** One sentence per violated limit, drops in points of accuracy. */
function violationText(precision: Precision, acc: AccuracyResult, v: LimitViolation): string {
  const items = acc.validation ? `${acc.validation.items} items` : `${acc.samples} samples`;
  const labelledBy = accuracyMetricInfo(v.metric)?.labelled;
  if (labelledBy && v.value !== null) {
    const k = labelledBy.k === 'top1' ? 'top-1' : 'top-5';
    if (labelledBy.measure === 'accuracy')
      return `${precision} ${k} accuracy on the labelled set (${items}) is ${fmt(v.value * 100, 3)} % (limit ${limitOf(v)})`;
    const labelled = acc.validation?.labelled;
    const from = labelled
      ? ` (${fmt(labelled.reference[labelledBy.k] * 100, 3)} % → ${fmt(labelled[labelledBy.k] * 100, 3)} %)`
      : '';
    return `${precision} ${k} on the labelled set (${items}) dropped ${points(v.value)} vs fp32${from} (limit ${limitOf(v, 100)})`;
  }
  if (v.value === null) return v.message;
  return `${v.metric} ${formatValue(v.value, '', v.metric)} on output '${v.output}' vs fp32 (limit ${limitOf(v)})`;
}

function localizationText(acc: AccuracyResult): string | undefined {
  const loc = acc.localization;
  if (!loc) return undefined;
  if (loc.status === 'found' && loc.first) {
    const f = loc.first;
    const how = f.cosine === null ? `${f.nonFinite} NaN/Inf values` : `cosine ${formatCosine(f.cosine)}`;
    return `first divergence at '${f.node}' (${f.op}, tensor '${f.tensor}', ${how})`;
  }
  if (loc.status === 'none')
    return `no single layer diverges (every compared tensor has cosine ≥ ${loc.cosineBelow}): the error builds up gradually`;
  return `the first diverging layer could not be found (${loc.message ?? 'unknown error'})`;
}

/** How to keep one layer in higher precision, in the runner's and version's terms. */
function keepLayerStep(layer: string, precision: Precision, env: Environment | undefined): string {
  const keep = precision === 'int8' ? 'fp16' : 'fp32';
  const runtime = env?.runtime;
  if (runtime?.name === 'tensorrt') {
    const major = Number.parseInt(runtime.version, 10);
    if (major >= 11) {
      return `Keep '${layer}' in ${keep.toUpperCase()}: TensorRT ${runtime.version} networks are strongly typed, so insert Cast nodes to ${keep === 'fp32' ? 'float32' : 'float16'} around '${layer}' in the ONNX model (its inputs and weights) and cast back after it.`;
    }
    return `Keep '${layer}' in ${keep.toUpperCase()}: trtexec --precisionConstraints=obey --layerPrecisions=${layer}:${keep} (the layer is named after the ONNX node).`;
  }
  return `Keep '${layer}' in ${keep.toUpperCase()} when converting the model: leave node '${layer}' out of the ${precision} conversion (e.g. onnxconverter-common's node_block_list, or the quantizer's nodes_to_exclude), then rebuild.`;
}

/**
 * The steps of this failure: keeping the diverging layer, by name, in higher precision. Recalibrating,
 * mixed precision and rolling back are the accuracy playbook's (src/report/playbooks.ts), which
 * every writer adds after these.
 */
function nextSteps(precision: Precision, acc: AccuracyResult, env: Environment | undefined): string[] {
  const layer = acc.localization?.status === 'found' ? acc.localization.first?.node : undefined;
  return layer ? [keepLayerStep(layer, precision, env)] : [];
}

/** The accuracy incident of a failed accuracy check, or undefined when it passed. */
export function accuracyIncident(
  precision: Precision,
  acc: AccuracyResult,
  env?: Environment,
): Incident | undefined {
  if (acc.passed) return undefined;
  const parts = acc.violations.map((v) => violationText(precision, acc, v));
  const where = localizationText(acc);
  if (where) parts.push(where);
  const metrics = [...new Set(acc.violations.map((v) => v.metric))];
  return {
    kind: 'accuracy-degradation',
    stage: 'accuracy',
    title: `${precision} outside its accuracy limits (${metrics.join(', ')})`,
    message: `${parts.join('; ')}.`,
    nextSteps: nextSteps(precision, acc, env),
  };
}
