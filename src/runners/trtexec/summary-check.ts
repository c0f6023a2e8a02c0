import type { StatsSummary } from '../../results/schema.js';
import type { PerformanceSummary } from './parse/performance-summary.js';

/** Summary and samples may differ by rounding (trtexec prints 6 significant digits), not by more. */
const CROSS_CHECK_TOLERANCE = 0.05;

/**
 * How trtexec's printed summary disagrees with statistics computed from its --exportTimes samples
 * (mean and median beyond rounding), e.g. `summary mean 1.2 ms vs 1.5 ms from 20 exported queries`;
 * undefined when they agree or the summary has no latency line. `from` names where the samples are.
 */
export function summaryDisagreement(
  summary: PerformanceSummary | undefined,
  computed: Pick<StatsSummary, 'mean' | 'median' | 'count'>,
  from: string,
): string | undefined {
  const printed = summary?.latency;
  if (!printed) return undefined;
  const checks: Array<[string, number | undefined, number]> = [
    ['mean', printed.mean, computed.mean],
    ['median', printed.median, computed.median],
  ];
  const off = checks.filter(
    ([, shown, value]) =>
      shown !== undefined &&
      Math.abs(shown - value) > CROSS_CHECK_TOLERANCE * Math.max(Math.abs(value), 1e-9),
  );
  if (off.length === 0) return undefined;
  return off
    .map(
      ([what, shown, value]) =>
        `summary ${what} ${shown} ms vs ${value.toPrecision(6)} ms from ${computed.count} ${from}`,
    )
    .join(', ');
}
