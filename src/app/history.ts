import { dashboardFiles, type SitePublisher } from '../dashboard/site.js';
import {
  DEFAULT_HISTORY_OPTIONS,
  type HistoryOptions,
  readHistory,
  type StoreHistory,
} from '../history/index.js';
import { type AppliedIssues, type IssueTracker, planIssues } from '../history/issues.js';
import type { BaselineKey } from '../results/schema.js';
import type { BaselineStore } from '../store/types.js';

/**
 * The history use cases: the CLI's `history` and the Action's nightly step (after the `baseline`
 * mode appended) read and analyse the store through {@link analyseHistory}, one copy.
 */

export interface HistoryRequest {
  /** Key ids, labels `model[/precision[/bN]]` or keys (their whole series); empty: every series. */
  filters?: ReadonlyArray<string | BaselineKey>;
  options?: HistoryOptions;
  /** Read the newest runs' raw samples too (the dashboard draws them; the analysis does not). */
  samples?: boolean;
}

export function analyseHistory(store: BaselineStore, request: HistoryRequest = {}): Promise<StoreHistory> {
  return readHistory(store, request.filters ?? [], request.options ?? DEFAULT_HISTORY_OPTIONS, {
    samples: request.samples ?? false,
  });
}

/** Run ids in series order, per series id: where a tracked issue's step run falls now. */
function runIdsOf(history: StoreHistory): Map<string, string[]> {
  return new Map(history.series.map((s) => [s.id, s.runs.map((r) => r.runId)]));
}

/** Only the series of `keys` (their whole series, across environments). */
function seriesOfKeys(history: StoreHistory, keys: readonly BaselineKey[]): StoreHistory {
  const wanted = (i: number) => {
    const id = history.series[i]!.identity;
    return keys.some(
      (k) =>
        k.device === id.device &&
        k.runner === id.runner &&
        k.model === id.model &&
        k.precision === id.precision &&
        k.batchSize === id.batchSize,
    );
  };
  const kept = history.series.map((_, i) => i).filter(wanted);
  return {
    series: kept.map((i) => history.series[i]!),
    report: { ...history.report, series: kept.map((i) => history.report.series[i]!) },
  };
}

/** Opens, comments on and closes regression issues for the analysed series (see planIssues). */
export async function trackRegressions(history: StoreHistory, tracker: IssueTracker): Promise<AppliedIssues> {
  const tracked = await tracker.list();
  const plan = planIssues(history.report, tracked, runIdsOf(history));
  return tracker.apply(plan, new Map(tracked.map((t) => [t.number, t.body])));
}

export interface NightlyRequest {
  /** Keys the run just appended to: their series are analysed for regression issues. */
  written: readonly BaselineKey[];
  /** Where regression issues go; undefined: none are managed. */
  issues?: IssueTracker;
  /** Where the dashboard of every series in the store goes; undefined: none is built. */
  dashboard?: SitePublisher;
  options?: HistoryOptions;
  now?: Date;
}

export interface LastingRegression {
  series: string;
  metric: string;
  atRun: number;
  deltaPct: number;
}

export interface NightlyOutcome {
  /** Series analysed for issues (those of the written keys). */
  series: number;
  /** Lasting regression steps in those series. */
  regressions: LastingRegression[];
  issues?: AppliedIssues;
  /** Where the dashboard went. */
  dashboard?: string;
}

/**
 * After a baseline append: change points of the written keys' series, their regression issues
 * kept in step, and the dashboard rebuilt. The store is read once (every series when a dashboard
 * is wanted, else only the written ones).
 */
export async function nightlyHistory(store: BaselineStore, request: NightlyRequest): Promise<NightlyOutcome> {
  if (request.written.length === 0 && !request.dashboard) return { series: 0, regressions: [] };
  const all = await analyseHistory(store, {
    filters: request.dashboard ? [] : request.written,
    ...(request.options ? { options: request.options } : {}),
    samples: request.dashboard !== undefined,
  });
  const mine = seriesOfKeys(all, request.written);
  const outcome: NightlyOutcome = {
    series: mine.series.length,
    regressions: mine.report.series.flatMap((s) =>
      s.steps
        .filter((step) => step.kind === 'regression' && step.status === 'lasting')
        .map((step) => ({
          series: s.label,
          metric: step.metric,
          atRun: step.atRun,
          deltaPct: step.deltaPct,
        })),
    ),
  };
  if (request.issues) outcome.issues = await trackRegressions(mine, request.issues);
  if (request.dashboard) {
    outcome.dashboard = await request.dashboard.publish(dashboardFiles(all, store.description, request.now));
  }
  return outcome;
}
