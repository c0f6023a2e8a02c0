import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/config/schema.js';
import { compareResults } from '../../src/gate/compare-results.js';
import { renderReport } from '../../src/report/render.js';
import { TOO_NOISY_TEXT } from '../../src/report/too-noisy.js';
import { buildViewModel } from '../../src/report/view-model.js';
import type { Entry, Results } from '../../src/results/schema.js';
import { latencyTrials, makeEntry, makeHistory, makeResults, STATISTICAL } from '../gate/helpers.js';

/**
 * "Too noisy to tell" said once: entries judged inconclusive by the real statistical model against
 * a noisy history (±6 % run to run) get one note at the top, and keep their verdict and numbers.
 */
const settings = {
  thresholds: { 'latency.p50': STATISTICAL },
  gate: { failOn: ['regressed', 'failed'] as Verdict[], maxRerunTrials: 0 },
};
const NOISY = [1.0, 1.06, 0.94, 1.05, 0.95, 1.0, 1.06, 0.94, 1.0, 1.0];
const QUIET = NOISY.map(() => 1);

/** Each model: its history's run-to-run factors and the candidate's median (history median 10). */
async function judged(models: Array<{ model: string; history: number[]; median: number }>): Promise<Results> {
  const histories = new Map(
    models.map(({ model, history }) => [
      model,
      makeHistory(
        history.map((f, i) =>
          makeEntry({ key: { model }, trials: latencyTrials({ seed: `${model}-h${i}`, median: 10 * f }) }),
        ),
      ),
    ]),
  );
  const entries: Entry[] = models.map(({ model, median }) =>
    makeEntry({ key: { model }, trials: latencyTrials({ seed: `${model}-c`, median }) }),
  );
  const candidate = makeResults(entries);
  const report = await compareResults(
    candidate,
    async (key) => ({ history: histories.get(key.model)!, similar: [] }),
    settings,
  );
  return { ...candidate, comparisons: report.comparisons, gate: report.gate };
}

describe('too noisy to tell, said once', () => {
  it('several noisy entries: one note at the top, each row keeps its verdict and its own numbers', async () => {
    const results = await judged([
      { model: 'a', history: NOISY, median: 11 },
      { model: 'b', history: NOISY, median: 10.9 },
      { model: 'c', history: QUIET, median: 11 },
    ]);
    expect(results.comparisons!.map((c) => c.verdict)).toEqual(['inconclusive', 'inconclusive', 'regressed']);
    const view = buildViewModel(results);
    expect(view.tooNoisy).toMatchObject({ count: 2, text: TOO_NOISY_TEXT });
    expect(view.tooNoisy!.entries.map((e) => e.split(' ')[0])).toEqual(['a', 'b']);
    const rows = view.devices[0]!.rows;
    for (const row of rows.filter((r) => r.verdict === 'inconclusive')) {
      expect(row.explanation).toMatch(/^latency\.p50: \+\d+\.\d+ ?% .* \(too noisy to tell: see above\)$/);
      expect(row.explanation).not.toMatch(/this history is too noisy/);
    }
    expect(rows.find((r) => r.verdict === 'regressed')!.explanation).not.toMatch(/too noisy/);

    const comment = renderReport('md', results);
    expect(comment.match(/this history is too noisy to tell/g)).toBeNull();
    expect(comment.match(/\*\*Too noisy to tell\*\* \(2 entries, inconclusive\)/g)).toHaveLength(1);
    expect(comment.indexOf('**Too noisy to tell**')).toBeLessThan(comment.indexOf('| Model |'));
    expect(renderReport('summary', results)).toMatch(/\*\*Too noisy to tell\*\* \(2 entries/);
    expect(renderReport('html', results)).toMatch(/<strong>Too noisy to tell<\/strong> \(2 entries/);
  });

  it('a single noisy entry keeps its own full reason, and no note is added', async () => {
    const results = await judged([
      { model: 'a', history: NOISY, median: 11 },
      { model: 'c', history: QUIET, median: 11 },
    ]);
    const view = buildViewModel(results);
    expect(view.tooNoisy).toBeNull();
    expect(view.devices[0]!.rows.find((r) => r.verdict === 'inconclusive')!.explanation).toMatch(
      /this history is too noisy to tell$/,
    );
    expect(renderReport('md', results)).not.toContain('**Too noisy to tell**');
  });
});
