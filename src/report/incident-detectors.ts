import type { Entry, EntryComparison, Incident } from '../results/schema.js';
import { formatPlain, formatValue } from '../util/format-number.js';
import { findMetric } from './comparison-metrics.js';
import { nextStepsFor } from './playbooks.js';

/**
 * Incidents derived from results, beyond those runners attach (build failures, OOM, crashes…).
 * Pure functions: no I/O, no clock.
 */

/**
 * Smallest p99 increase vs the baseline (percent) that can be a latency spike. Below the default
 * `latency.p99` minimum effect (10 %) and with some margin for p99's own noise, it is not worth a
 * separate incident: the comparison already reports it.
 */
export const SPIKE_MIN_P99_DELTA_PCT = 20;

/**
 * How much more the p99 must grow than the p50, as a ratio of growth factors minus one (percent):
 * (1 + Δp99) / (1 + Δp50) − 1. A uniform slowdown (slower kernels) moves both; a tail that grows
 * 25 % faster than the median means intermittent stalls: GPU contention, throttling, allocation
 * in the loop, dynamic-shape profile switches.
 */
export const SPIKE_TAIL_EXCESS_PCT = 25;

/**
 * Within one run, p99 / p50 at or above this is a spike. Inference of a fixed-shape engine on a
 * quiet device has a tight distribution (p99 typically within 1.5× of the median); 3× means some
 * iterations stalled.
 */
export const SPIKE_TAIL_RATIO = 3;

/**
 * Coefficient of variation at or above which a run's latency is called spiky. A quiet device
 * gives a CV of a few percent; 0.25 is far outside that.
 */
export const SPIKE_CV = 0.25;

/**
 * Coefficient of variation at or above which the run is too noisy to gate at all: with a spread
 * of half the mean, the 5–10 % effects the default thresholds look for drown in noise.
 */
export const UNRELIABLE_CV = 0.5;

/**
 * Spread of the per-trial medians ((max − min) / pooled median, percent) at or above which trials
 * disagree by four times the default `latency.p50` minimum effect (5 %): something changed between
 * trials (clocks, other load). The range grows with the number of trials, and the default is 10,
 * so a tighter limit would flag ordinary runs on shared machines.
 */
export const UNRELIABLE_TRIAL_SPREAD_PCT = 20;

/** Fewer samples than this and p99 is simply the maximum: no tail statistics. */
export const MIN_SAMPLES_FOR_TAIL = 20;

const fmt = (value: number, digits = 3) => formatPlain(value, digits);

function signedPct(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)} %`;
}

/**
 * A latency spike: the p99 grew far more than the p50 against the baseline, or, within the run,
 * the tail is far from the median or the spread is high (but not so high the run is unreliable).
 */
export function detectLatencySpike(entry: Entry, comparison?: EntryComparison): Incident | undefined {
  const p50 = findMetric(comparison, 'latency.p50');
  const p99 = findMetric(comparison, 'latency.p99');
  if (p50?.deltaPct != null && p99?.deltaPct != null && p99.deltaPct >= SPIKE_MIN_P99_DELTA_PCT) {
    const excess = ((1 + p99.deltaPct / 100) / (1 + p50.deltaPct / 100) - 1) * 100;
    if (excess >= SPIKE_TAIL_EXCESS_PCT) {
      return {
        kind: 'latency-spike',
        stage: 'compare',
        title: 'p99 grew much more than p50 vs the baseline',
        message: `p99 changed ${signedPct(p99.deltaPct)} vs the baseline while p50 changed ${signedPct(p50.deltaPct)}: some iterations stall, the engine is not uniformly slower.`,
        nextSteps: nextStepsFor('latency-spike'),
      };
    }
  }
  const pooled = entry.latency?.pooled;
  if (!pooled || pooled.count === undefined || pooled.p99 === undefined) return undefined;
  if (pooled.count < MIN_SAMPLES_FOR_TAIL || pooled.median <= 0) return undefined;
  const ratio = pooled.p99 / pooled.median;
  const reasons: string[] = [];
  if (ratio >= SPIKE_TAIL_RATIO) {
    reasons.push(`p99 is ${fmt(ratio)}× the median (${fmt(pooled.p99)} ms vs ${fmt(pooled.median)} ms)`);
  }
  if (pooled.cv !== undefined && pooled.cv >= SPIKE_CV && pooled.cv < UNRELIABLE_CV) {
    reasons.push(`the coefficient of variation is ${fmt(pooled.cv, 2)}`);
  }
  if (reasons.length === 0) return undefined;
  return {
    kind: 'latency-spike',
    stage: 'benchmark',
    title: 'Stalls within the run',
    message: `Over ${pooled.count} samples ${reasons.join(' and ')}.`,
    nextSteps: nextStepsFor('latency-spike'),
  };
}

function limitText(limit: { min?: number; max?: number }): string {
  const parts: string[] = [];
  if (limit.min !== undefined) parts.push(`min ${limit.min}`);
  if (limit.max !== undefined) parts.push(`max ${limit.max}`);
  return parts.join(', ');
}

/** Accuracy outside its limits (or non-finite outputs), or an accuracy metric that regressed vs the baseline. */
export function detectAccuracyDegradation(entry: Entry, comparison?: EntryComparison): Incident | undefined {
  const acc = entry.accuracy;
  const details: string[] = [];
  if (acc) {
    for (const v of acc.violations) {
      const value = formatValue(v.value, '', v.metric);
      details.push(`${v.metric} = ${value} on output '${v.output}' (limit ${limitText(v.limit)})`);
    }
    for (const out of acc.outputs) {
      if (out.nonFinite > 0) details.push(`output '${out.name}' has ${out.nonFinite} NaN/Inf values`);
    }
  }
  const failedLimits = acc !== undefined && (!acc.passed || details.length > 0);
  const regressed = (comparison?.metrics ?? []).filter(
    (m) => m.metric.startsWith('accuracy.') && m.verdict === 'regressed',
  );
  if (!failedLimits && regressed.length === 0) return undefined;
  for (const m of regressed) {
    details.push(
      `${m.metric} regressed vs the baseline${m.deltaPct == null ? '' : ` (${signedPct(m.deltaPct)})`}`,
    );
  }
  const metrics = [
    ...new Set([...(acc?.violations ?? []).map((v) => v.metric), ...regressed.map((m) => m.metric)]),
  ];
  const title = failedLimits
    ? `${entry.precision} outside its accuracy limits${metrics.length ? ` (${metrics.join(', ')})` : ''}`
    : `${entry.precision} accuracy worse than the baseline`;
  return {
    kind: 'accuracy-degradation',
    stage: failedLimits ? 'accuracy' : 'compare',
    title,
    message: details.length
      ? `${entry.precision} vs the ${acc?.reference ?? 'reference'}: ${details.join('; ')}.`
      : `The ${entry.precision} accuracy check failed.`,
    nextSteps: nextStepsFor('accuracy-degradation', { precision: entry.precision }),
  };
}

/** The runner flagged the measurement, or the run is too noisy (overall or between trials) to gate. */
export function detectUnreliableMeasurement(
  entry: Entry,
  comparison?: EntryComparison,
): Incident | undefined {
  const reasons: string[] = [];
  if (entry.unreliable) reasons.push(entry.unreliable);
  const latency = entry.latency;
  if (latency) {
    const { count, cv } = latency.pooled;
    if (count !== undefined && cv !== undefined && count >= 2 && cv >= UNRELIABLE_CV) {
      reasons.push(`latency coefficient of variation ${fmt(cv, 2)} (≥ ${UNRELIABLE_CV})`);
    }
    const medians = latency.trials.map((t) => t.stats.median);
    if (medians.length >= 2 && latency.pooled.median > 0) {
      const spread = ((Math.max(...medians) - Math.min(...medians)) / latency.pooled.median) * 100;
      if (spread >= UNRELIABLE_TRIAL_SPREAD_PCT) {
        reasons.push(`trial medians differ by ${spread.toFixed(1)} % (≥ ${UNRELIABLE_TRIAL_SPREAD_PCT} %)`);
      }
    }
  }
  if (reasons.length === 0) return undefined;
  return {
    kind: 'unreliable-measurement',
    stage: 'benchmark',
    title: 'Noisy latency measurement',
    message: `The latency of this entry is noisy (${reasons.join('; ')}): ${
      comparison?.method === 'ab'
        ? 'the A/B comparison cannot call a change smaller than the noise its A/A control measured (the base against itself), and says inconclusive for it.'
        : 'only large changes can be judged, and the gate widens its threshold or says inconclusive.'
    }`,
    nextSteps: nextStepsFor('unreliable-measurement', { method: comparison?.method ?? 'history' }),
  };
}

/** Incidents the results imply but no runner attached; a kind the entry already has is not repeated. */
export function deriveIncidents(entry: Entry, comparison?: EntryComparison): Incident[] {
  const attached = new Set(entry.incidents.map((i) => i.kind));
  const derived = [
    detectUnreliableMeasurement(entry, comparison),
    detectLatencySpike(entry, comparison),
    detectAccuracyDegradation(entry, comparison),
  ];
  return derived.filter((i): i is Incident => i !== undefined && !attached.has(i.kind));
}
