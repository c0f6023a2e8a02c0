import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCURACY_METRIC_NAMES, ACCURACY_METRIC_TABLE } from '../../src/accuracy/metric-table.js';
import { worstOf } from '../../src/accuracy/metrics.js';
import { AccuracyMetricName } from '../../src/config/schema.js';
import { METRICS } from '../../src/gate/metrics.js';
import { AccuracyMetrics } from '../../src/results/schema.js';
import { formatValue } from '../../src/util/format-number.js';
import { sourceFiles } from '../helpers/source-files.js';

/** The one table of accuracy metrics against everything that names or judges them. */

describe('the accuracy metric table', () => {
  it('is exactly the accuracy metrics the gate judges, with the same directions', () => {
    const gated = [...METRICS.values()].filter((m) => m.source === 'accuracy');
    expect(gated.map((m) => m.name).sort()).toEqual(ACCURACY_METRIC_NAMES.map((n) => `accuracy.${n}`).sort());
    for (const m of gated) {
      const name = m.name.slice('accuracy.'.length) as keyof typeof ACCURACY_METRIC_TABLE;
      expect(m.direction, m.name).toBe(ACCURACY_METRIC_TABLE[name].direction);
    }
  });

  it('is exactly the config limit keys and the results fields, required where always computed', () => {
    expect([...AccuracyMetricName.options].sort()).toEqual([...ACCURACY_METRIC_NAMES].sort());
    expect(Object.keys(AccuracyMetrics.shape).sort()).toEqual([...ACCURACY_METRIC_NAMES].sort());
    const always = Object.fromEntries(ACCURACY_METRIC_NAMES.map((n) => [n, 1]));
    expect(AccuracyMetrics.safeParse(always).success).toBe(true);
    for (const name of ACCURACY_METRIC_NAMES) {
      const { [name]: _, ...without } = always;
      expect(AccuracyMetrics.safeParse(without).success, name).toBe(
        ACCURACY_METRIC_TABLE[name].availability !== 'always',
      );
    }
  });

  it("decides which output is worst: the minimum of a 'higher' metric, the maximum of a 'lower' one", () => {
    const low = Object.fromEntries(ACCURACY_METRIC_NAMES.map((n) => [n, 0.25])) as AccuracyMetrics;
    const high = Object.fromEntries(ACCURACY_METRIC_NAMES.map((n) => [n, 0.75])) as AccuracyMetrics;
    const worst = worstOf([low, high])!;
    for (const name of ACCURACY_METRIC_NAMES) {
      expect(worst[name], name).toBe(ACCURACY_METRIC_TABLE[name].direction === 'higher' ? 0.25 : 0.75);
    }
  });

  it('decides how a value reads, by name with or without the gate prefix', () => {
    // 0.99996 floored to 4 decimals for the cosine, 4 significant digits for the others.
    expect(formatValue(0.99996, '', 'accuracy.cosine')).toBe('0.9999');
    expect(formatValue(0.99996, '', 'cosine')).toBe('0.9999');
    expect(formatValue(0.99996, '', 'accuracy.top1Agreement')).toBe('1.000');
  });

  it('has no second copy: no other source file lists three or more accuracy metric names', () => {
    // A list or a switch over the metrics quotes their names; reading a field (`worst.cosine`) does
    // not. Picking one or two metrics (the history's, the dashboard's) is a selection, not a copy.
    const quoted = (text: string, name: string) =>
      new RegExp(`['"\`](?:accuracy\\.)?${name}['"\`]`).test(text);
    const offenders = sourceFiles(['src', 'action', 'reports', 'bench'], /\.(ts|hbs)$/)
      .filter(({ path }) => path !== join('src', 'accuracy', 'metric-table.ts'))
      .map(({ path, text }) => ({ path, names: ACCURACY_METRIC_NAMES.filter((n) => quoted(text, n)) }))
      .filter(({ names }) => names.length >= 3)
      .map(({ path, names }) => `${path}: ${names.join(', ')}`);
    expect(offenders).toEqual([]);
  });
});
