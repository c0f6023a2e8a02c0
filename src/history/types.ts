import type { EnvironmentChange, RunEnvironment, SeriesIdentity } from './series.js';

/** Where a step falls: the last run before it and the first run after it. */
export interface RunRange {
  fromRun: number;
  toRun: number;
  /** Commit of the last run before the change (when the run recorded one). */
  fromSha?: string;
  /** Commit of the first run after the change. */
  toSha?: string;
  /** Time of the first run after the change. */
  at: string;
}

export interface HistoryStep {
  metric: string;
  /** A lasting shift that makes the metric worse (regression) or better (improvement). */
  kind: 'regression' | 'improvement';
  /** `recovered`: a later step in the same environment brought the level back. */
  status: 'lasting' | 'recovered';
  /** 1-based series run number of the first run after the step. */
  atRun: number;
  runId: string;
  range: RunRange;
  before: number;
  after: number;
  deltaPct: number;
  intervalPct: [number, number];
  /** Runs after the step up to the next change: how many runs confirm it. */
  runsAfter: number;
  pValue: number;
  recoveredAtRun?: number;
}

/**
 * Runs far from their neighbours: `blip` when the series came back afterwards, `pending` when they
 * are the latest runs and cannot be told from the start of a step yet.
 */
export interface HistoryBlip {
  metric: string;
  kind: 'blip' | 'pending';
  runs: number[];
  /** Deviation of the worst run from the level around it, percent. */
  deltaPct: number;
  worse: boolean;
}

export interface EnvironmentStep {
  atRun: number;
  range: RunRange;
  changes: EnvironmentChange[];
  /** Level change across the boundary per metric (medians of the nearest stable stretches). */
  levels: Array<{ metric: string; before: number; after: number; deltaPct: number }>;
}

export interface EnvironmentSpan {
  fromRun: number;
  toRun: number;
  environment: RunEnvironment;
}

export interface SeriesHistory {
  id: string;
  label: string;
  identity: SeriesIdentity;
  runs: number;
  environments: EnvironmentSpan[];
  environmentSteps: EnvironmentStep[];
  steps: HistoryStep[];
  blips: HistoryBlip[];
  /** Metrics with too few runs in every environment to test (fewer than 2 × minSize). */
  untested: string[];
}

export interface HistoryReport {
  method: {
    name: 'e-divisive';
    alpha: number;
    permutations: number;
    minSize: number;
    minEffect: Record<string, string>;
    seed: number;
  };
  series: SeriesHistory[];
}
