import type { Verdict } from '../config/schema.js';
import type { IncidentKind } from '../results/schema.js';
import type { Conclusion } from './view-model-types.js';

/** Icons and words every report format shows for verdicts, incidents and gate conclusions. */

/** Row order: what needs attention first. */
export const VERDICT_ORDER: readonly Verdict[] = [
  'regressed',
  'failed',
  'inconclusive',
  'environment-mismatch',
  'no-baseline',
  'accepted',
  'improved',
  'unchanged',
];

export const VERDICT_ICONS: Readonly<Record<Verdict, string>> = {
  regressed: '❌',
  failed: '💥',
  inconclusive: '❔',
  'environment-mismatch': '⚠️',
  'no-baseline': '🆕',
  accepted: '☑️',
  improved: '🚀',
  unchanged: '✅',
};

export const VERDICT_LABELS: Readonly<Record<Verdict, string>> = {
  regressed: 'regressed',
  failed: 'failed',
  inconclusive: 'inconclusive',
  'environment-mismatch': 'environment mismatch',
  'no-baseline': 'no baseline',
  accepted: 'accepted regression',
  improved: 'improved',
  unchanged: 'unchanged',
};

/** Verdicts a row counts as passing. */
export const PASSING: ReadonlySet<Verdict> = new Set<Verdict>(['improved', 'unchanged']);

export const INCIDENT_LABELS: Readonly<Record<IncidentKind, string>> = {
  'engine-build-failure': 'Engine build failure',
  'unsupported-operator': 'Unsupported operator',
  'out-of-memory': 'Out of memory',
  'shape-profile-error': 'Shape profile error',
  'engine-mismatch': 'Engine mismatch',
  'unknown-option': 'Unknown option',
  timeout: 'Timeout',
  crash: 'Crash',
  'latency-spike': 'Latency spike',
  'accuracy-degradation': 'Accuracy degradation',
  'unreliable-measurement': 'Unreliable measurement',
  'thermal-throttling': 'Thermal throttling',
  'runtime-error': 'Runtime error',
  'timing-cache-miss': 'Timing cache missed',
};

export const INCIDENT_ICONS: Readonly<Record<IncidentKind, string>> = {
  'engine-build-failure': '🧱',
  'unsupported-operator': '🧩',
  'out-of-memory': '🧠',
  'shape-profile-error': '📐',
  'engine-mismatch': '🔀',
  'unknown-option': '❓',
  timeout: '⏱️',
  crash: '💥',
  'latency-spike': '📈',
  'accuracy-degradation': '🎯',
  'unreliable-measurement': '🎲',
  'thermal-throttling': '🌡️',
  'runtime-error': '⚠️',
  'timing-cache-miss': '🗂️',
};

export const CONCLUSION_ICONS: Readonly<Record<Conclusion, string>> = {
  pass: '✅',
  fail: '❌',
  neutral: '⚠️',
};

export const CONCLUSION_TEXT: Readonly<Record<Conclusion, string>> = {
  pass: 'Regression gate passed',
  fail: 'Regression gate failed',
  neutral: 'Regression gate neutral',
};
