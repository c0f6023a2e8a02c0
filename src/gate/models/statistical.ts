import type { Verdict } from '../../config/schema.js';
import type { Entry } from '../../results/schema.js';
import { isSampled, type MetricDefinition } from '../metrics.js';
import { jumpAwareSd, quantilePair } from '../numeric.js';
import type { JudgeInput, SpecFor, ThresholdModel } from '../threshold-models.js';
import { BOUNDARY_EPSILON, classifyInterval, formatPct, formatValue } from '../verdict.js';
import { bootstrapLogRatio, type RunModel, runModel } from './bootstrap.js';
import { comparison, historyValues } from './common.js';

/**
 * The statistical model, for latency. Two sources of noise, handled separately:
 *
 * 1. Sampling noise of this comparison (within trials, between trials, and between the pooled
 *    baseline runs): a percentile confidence interval for log(candidate / baseline) from a
 *    hierarchical bootstrap stratified by trial. The candidate's trials are resampled with
 *    replacement, so between-trial variance (one slow trial) is in the interval with its real,
 *    possibly lopsided shape; the √(T/(T−1)) rescaling keeps 3 trials from giving only 2/3 of it.
 *    Resampling samples within a trial is replaced by its large-n limit, a normal draw with
 *    variance q(1−q)(dQ/dp)²/n for a quantile (sparsity from a Hall–Sheather window over at most
 *    MAX_SUBSAMPLE points) or s²/n for the mean. The baseline — the most recent BASELINE_RUNS runs,
 *    resampled by run, then trial, then sample — is a mean of many picks, so it enters as one normal
 *    draw with the exact variance of that resampling. Each replicate thus costs O(candidate
 *    trials), not O(samples): what keeps 1,600 entries × 10,000 samples × 2,000 resamples near a
 *    second (bench/gate-cost.ts). The price is trusting normal limits, poor only for trials of a
 *    few dozen samples. Within-trial noise is counted both in the observed trial spread and in
 *    the added draw, a slight, deliberate conservatism. The log scale makes the ratio symmetric.
 *
 * 2. Run-to-run noise, which no single candidate run can show: the robust spread (1.4826 × MAD,
 *    small-sample corrected) of all stored runs' log statistic, or with one stored run, the
 *    trial-to-trial spread of both runs (not divided by √trials: a stand-in for run-level effects
 *    we cannot see). A difference
 *    smaller than NOISE_K × that spread is indistinguishable from a run landing on a slow machine,
 *    so the effective threshold is max(minEffectPct, NOISE_K × noise).
 *
 * Verdict: interval wholly past +threshold in the bad direction → regressed, wholly past it in the
 * good direction → improved, wholly within ±threshold → unchanged, otherwise inconclusive.
 *
 * Metrics without raw samples (throughput, build, accuracy) fall back to the run level: the
 * candidate against the geometric mean of the recent runs, under the same noise-widened threshold,
 * with no interval.
 */

/**
 * How many noise spreads a change must exceed to count (~3σ). Simulated with 3% run-to-run noise
 * and 5–30 stored runs, about 0.5–1% of unchanged latency metrics still came out regressed/improved.
 */
export const NOISE_K = 3;
/** Most recent stored runs pooled into the baseline. */
export const BASELINE_RUNS = 3;
/**
 * Until this many runs are stored, run-to-run noise cannot be measured, only assumed: one run
 * cannot show how much the next run on the same machine drifts (on shared CPU runners we saw
 * 10–40 % between back-to-back runs, far above the trial-to-trial spread). Below it the noise
 * floor is at least `assumedRunNoisePct` (default ASSUMED_RUN_NOISE_PCT), so a young history says
 * `inconclusive` rather than guess.
 */
export const MIN_RUNS_FOR_NOISE = 3;
export const ASSUMED_RUN_NOISE_PCT = 5;

function withAssumedFloor(
  measured: Noise | undefined,
  storedRuns: number,
  assumedPct = ASSUMED_RUN_NOISE_PCT,
): Noise | undefined {
  if (storedRuns >= MIN_RUNS_FOR_NOISE) return measured;
  if (measured && measured.pct >= assumedPct) return measured;
  return {
    pct: assumedPct,
    source: `assumed run-to-run noise until ${MIN_RUNS_FOR_NOISE} runs are stored (${storedRuns} so far)`,
  };
}

/** Reused replicate buffer: judging is synchronous, so one at a time uses it. */
let replicates = new Float64Array(2000);

interface Noise {
  pct: number;
  source: string;
}

/** Robust run-to-run spread of the stored runs' values (≥ 2 runs), as a percentage. */
function runNoise(past: readonly number[]): Noise | undefined {
  if (past.length < 2) return undefined;
  const sd = jumpAwareSd(past.map(Math.log));
  return { pct: (Math.exp(sd) - 1) * 100, source: `run-to-run noise over ${past.length} runs` };
}

/** With one stored run: the pooled trial-to-trial spread of that run and the candidate. */
function trialNoise(runs: readonly RunModel[]): Noise | undefined {
  let ss = 0;
  let df = 0;
  for (const run of runs) {
    for (const d of run.trialDevs) ss += d * d;
    df += run.trialDevs.length - 1;
  }
  if (df === 0) return undefined;
  return { pct: (Math.exp(Math.sqrt(ss / df)) - 1) * 100, source: 'trial-to-trial noise (one stored run)' };
}

function thresholdText(spec: SpecFor<'statistical'>, threshold: number, noise: Noise | undefined): string {
  if (!noise || threshold <= spec.minEffectPct) return `${spec.minEffectPct}% threshold`;
  return `${threshold.toFixed(1)}% threshold (${NOISE_K} × ${noise.pct.toFixed(1)}% ${noise.source})`;
}

/**
 * `unchanged` only when the change is also shown to be below `minEffectPct`: a +20 % shift inside a
 * threshold widened to 60 % by a noisy history is not "unchanged", it is undetectable here —
 * `inconclusive`. Shown by the interval (both ends within ±minEffectPct), not the point estimate:
 * an estimate of +4 % with an interval reaching +7 % has not ruled out a 5 % change. Without raw
 * samples there is no interval: `lo = hi =` the estimate.
 */
function maskedByNoise(
  verdict: Verdict,
  lo: number,
  hi: number,
  threshold: number,
  minEffectPct: number,
): boolean {
  // The same boundary tolerance as classifyInterval: a change at the minimum effect up to rounding
  // (exp/log round trips move it by ~1e-14) is at it, whichever way the rounding fell.
  return (
    verdict === 'unchanged' &&
    threshold > minEffectPct &&
    Math.max(Math.abs(lo), Math.abs(hi)) >= minEffectPct * (1 - BOUNDARY_EPSILON)
  );
}

function describe(verdict: string, delta: number, interval: string | undefined, threshold: string): string {
  const what = interval ? `${formatPct(delta)} (${interval})` : formatPct(delta);
  switch (verdict) {
    case 'masked':
      return `${what} is within the ${threshold} but not shown to be below the minimum effect: this history is too noisy to tell`;
    case 'regressed':
      return `${what} is beyond the ${threshold}`;
    case 'improved':
      return `${what} is an improvement beyond the ${threshold}`;
    case 'unchanged':
      return `${what} is within the ${threshold}`;
    default:
      return `${what} straddles the ${threshold}; more trials or a rerun would settle it`;
  }
}

/**
 * Why a sample-based metric cannot be judged here: the candidate has no per-query samples (a trtexec
 * log imported from its performance summary), so neither the interval nor the noise floor exists.
 */
function withoutSamples(metric: MetricDefinition, candidate: Entry): string | undefined {
  if (!isSampled(metric)) return undefined;
  const trials = metric.samples(candidate);
  if (!trials || trials.some((t) => t.length > 0)) return undefined;
  const source = candidate.latency?.source ?? 'the candidate';
  return `the statistical model needs per-query samples and ${source} has none; judge ${metric.name} with a percentage or static threshold, or import the run's --exportTimes file with --times`;
}

export const statisticalModel: ThresholdModel<SpecFor<'statistical'>> = {
  model: 'statistical',
  needsBaseline: true,
  judge(input: JudgeInput<SpecFor<'statistical'>>) {
    const { metric, direction, spec, candidate, history, rng } = input;
    const value = metric.extract(candidate) ?? null;
    const base = { metric, direction, spec, candidate: value };
    if (value === null) {
      return comparison({
        ...base,
        baseline: null,
        verdict: 'inconclusive',
        reason: 'the candidate has no value',
      });
    }
    const unsampled = withoutSamples(metric, candidate);
    if (unsampled) {
      return comparison({ ...base, baseline: null, verdict: 'inconclusive', reason: unsampled });
    }
    const past = historyValues(metric, history);
    if (past.length === 0) {
      return comparison({
        ...base,
        baseline: null,
        verdict: 'no-baseline',
        reason: 'no stored run has this metric',
      });
    }
    if (!(value > 0) || past.some((v) => !(v > 0))) {
      return comparison({
        ...base,
        baseline: past.at(-1)!,
        verdict: 'inconclusive',
        reason: 'a ratio needs positive values on both sides',
      });
    }

    const noiseOfRuns = runNoise(past);
    const cand = isSampled(metric) ? runModel(metric, candidate) : undefined;
    // Only the runs pooled into the baseline are read down to their samples.
    const recent: RunModel[] = [];
    for (
      let i = history.length - 1;
      cand && isSampled(metric) && i >= 0 && recent.length < BASELINE_RUNS;
      i--
    ) {
      const model = runModel(metric, history[i]!.entry);
      if (model) recent.unshift(model);
    }

    if (!cand || recent.length === 0) {
      // Run level: no raw samples on one side.
      const last = past.slice(-BASELINE_RUNS);
      const baseline = Math.exp(last.reduce((s, v) => s + Math.log(v), 0) / last.length);
      const runsNoise = withAssumedFloor(noiseOfRuns, past.length, spec.assumedRunNoisePct);
      const threshold = Math.max(spec.minEffectPct, NOISE_K * (runsNoise?.pct ?? 0));
      const delta = (value / baseline - 1) * 100;
      const raw = classifyInterval(delta, delta, threshold, direction);
      const masked = maskedByNoise(raw, delta, delta, threshold, spec.minEffectPct);
      const verdict: Verdict = masked ? 'inconclusive' : raw;
      const reason = `${describe(masked ? 'masked' : verdict, delta, undefined, thresholdText(spec, threshold, runsNoise))} (vs ${formatValue(baseline, metric.unit, metric.name)}, no raw samples)`;
      return comparison({
        ...base,
        baseline,
        verdict,
        reason,
        ...(runsNoise ? { noisePct: runsNoise.pct } : {}),
      });
    }

    if (replicates.length < spec.resamples) replicates = new Float64Array(spec.resamples);
    const reps = bootstrapLogRatio(cand, recent, spec.resamples, rng, replicates);
    const alpha = 1 - spec.confidence;
    const [logLo, logHi] = quantilePair(reps, alpha / 2, 1 - alpha / 2);
    const lo = (Math.exp(logLo) - 1) * 100;
    const hi = (Math.exp(logHi) - 1) * 100;
    const logBase = recent.reduce((s, r) => s + r.logCenter, 0) / recent.length;
    const baseline = Math.exp(logBase);
    const delta = (Math.exp(cand.logCenter - logBase) - 1) * 100;

    const noise = withAssumedFloor(
      noiseOfRuns ?? trialNoise([...recent, cand]),
      past.length,
      spec.assumedRunNoisePct,
    );
    const threshold = Math.max(spec.minEffectPct, NOISE_K * (noise?.pct ?? 0));
    const raw = classifyInterval(lo, hi, threshold, direction);
    // With one stored run the candidate's own trial noise enters the threshold: a noisy candidate
    // must not buy itself an `unchanged` by widening the bar it is judged against.
    const stored = withAssumedFloor(noiseOfRuns ?? trialNoise(recent), past.length, spec.assumedRunNoisePct);
    const ownThreshold = Math.max(spec.minEffectPct, NOISE_K * (stored?.pct ?? 0));
    const selfInflated = raw === 'unchanged' && threshold > ownThreshold * (1 + BOUNDARY_EPSILON);
    const masked = selfInflated || maskedByNoise(raw, lo, hi, threshold, spec.minEffectPct);
    const verdict: Verdict = masked ? 'inconclusive' : raw;
    const interval = `${Math.round(spec.confidence * 1000) / 10}% CI ${formatPct(lo)} … ${formatPct(hi)}`;
    const why = selfInflated
      ? `${formatPct(delta)} (${interval}) is within the ${thresholdText(spec, threshold, noise)}, which the candidate's own trial noise widened from ${ownThreshold.toFixed(1)}%: too noisy to tell`
      : describe(masked ? 'masked' : verdict, delta, interval, thresholdText(spec, threshold, noise));
    return comparison({
      ...base,
      baseline,
      verdict,
      reason: why,
      intervalPct: [lo, hi],
      ...(noise ? { noisePct: noise.pct } : {}),
    });
  },
};
