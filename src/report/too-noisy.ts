import type { DeviceView } from './view-model-types.js';

/**
 * "Too noisy to tell": an `inconclusive` entry whose change is larger than the minimum effect but
 * within the threshold the noise set (the stored history's run-to-run spread, the candidate's own
 * trial noise, or the job's A/A control). When several entries are inconclusive for that reason,
 * the report says what it means and what to do once, at the top, and each entry keeps its verdict
 * and its own numbers with a short pointer instead of the same sentence again.
 */

/** How the comparisons end such a reason (src/gate/models/statistical.ts, src/ab/paired.ts). */
const TAIL = /(?::| —) (?:this (?:history|job) is )?too noisy to tell/g;

/** Fewest entries sharing the reason for it to be said once at the top. */
export const SAY_ONCE_FROM = 2;

export const TOO_NOISY_TEXT =
  'each change is larger than the minimum effect but within the threshold the measurement noise sets ' +
  "(the stored history's run-to-run spread, the candidate's own trial noise, or the A/A control measured beside it), " +
  'so neither a regression nor "unchanged" can be claimed. A rerun on a quieter runner, or more trials ' +
  '(history) or pairs (same-job A/B), would settle it.';

export interface TooNoisyView {
  count: number;
  /** What it means and what to do (said once). */
  text: string;
  /** The entries, `label (device)`. */
  entries: string[];
}

/**
 * The entries inconclusive because too noisy to tell, said once when at least `SAY_ONCE_FROM`
 * share it; their rows' explanations then point to it. Null (rows untouched) otherwise.
 */
export function sayTooNoisyOnce(devices: DeviceView[]): TooNoisyView | null {
  const noisy = devices.flatMap((d) =>
    d.rows.filter(
      (r) => r.verdict === 'inconclusive' && r.explanation !== null && new RegExp(TAIL).test(r.explanation),
    ),
  );
  if (noisy.length < SAY_ONCE_FROM) return null;
  for (const row of noisy)
    row.explanation = row.explanation!.replace(TAIL, ' (too noisy to tell: see above)');
  return {
    count: noisy.length,
    text: TOO_NOISY_TEXT,
    entries: noisy.map((r) => `${r.label} (${r.device})`),
  };
}
