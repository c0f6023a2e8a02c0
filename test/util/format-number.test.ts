import { describe, expect, it } from 'vitest';
import { formatValue as reasonValue } from '../../src/gate/verdict.js';
import { formatMetricValue, formatSig } from '../../src/report/format.js';
import { formatCosine, formatPlain, formatValue } from '../../src/util/format-number.js';

describe('one number formatter', () => {
  it('prints a value the same in the table, the reason, Markdown and HTML', () => {
    // The reviewer's three complaints, each read through every path that prints it.
    expect(formatCosine(0.78549)).toBe('0.7854');
    expect(reasonValue(0.78549, '', 'accuracy.cosine')).toBe('0.7854');
    expect(formatMetricValue('accuracy.cosine', 0.78549)).toBe('0.7854');
    expect(reasonValue(341_002, 'bytes', 'build.artifactBytes')).toBe('341,002 bytes');
    expect(formatMetricValue('build.artifactBytes', 341_002)).toBe('341,002 bytes');
    expect(`${formatSig(158_849.4)}/s`).toBe('158,849/s');
    expect(formatMetricValue('throughput', 158_849.4)).toBe('158,849 items/s');
    expect(formatMetricValue('latency.p50', 2.04567)).toBe('2.05 ms');
    expect(reasonValue(2.04567, 'ms', 'latency.p50')).toBe('2.05 ms');
  });

  it('uses exponents only for tiny values, and trims zeros inside sentences', () => {
    expect(formatSig(0.000012345)).toBe('1.23e-5');
    expect(formatValue(0.000012346)).toBe('1.235e-5');
    expect(formatSig(-2500.4)).toBe('-2,500');
    expect(formatSig(Number.NaN)).toBe('—');
    expect(formatPlain(1)).toBe('1');
    expect(formatPlain(2.3)).toBe('2.3');
    expect(formatPlain(1500)).toBe('1,500');
    expect(formatCosine(0.99996)).toBe('0.9999');
  });
});
