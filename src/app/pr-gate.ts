import { type BaseSide, mergeBase, openBaseSide } from '../ab/base-side.js';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError, UsageError } from '../errors.js';
import type { GateSettings } from '../gate/compare-results.js';
import type { RunObserver } from '../pipeline/events.js';
import type { Results } from '../results/schema.js';
import type { BaselineStore } from '../store/types.js';
import { gateKeepingPairs, storeLookup } from './gate-results.js';
import { runAbAndGate } from './run-ab.js';
import { runAndGate } from './run-and-gate.js';

/**
 * How a pull request's entries are judged: `ab` (same-job A/B against the PR base; fails when the
 * base side cannot be built), `history` (the stored baselines), `auto` (A/B where the base side
 * can be built, else the history, saying why).
 */
export const COMPARE_METHODS = ['auto', 'ab', 'history'] as const;
export type CompareMethod = (typeof COMPARE_METHODS)[number];

/** Where the base side comes from: the PR's merge-base (read with git only) or a directory. */
export type BaseSpec =
  | { kind: 'merge-base'; baseSha: string; headSha: string; baseRef?: string }
  | { kind: 'directory'; dir: string };

export interface PrGateOptions {
  loaded: LoadedConfig;
  /** The config as the user named it, relative to `cwd` (the base side's config is at the same path). */
  configFile: string;
  cwd: string;
  outDir: string;
  store: BaselineStore;
  settings: GateSettings;
  compare: CompareMethod;
  /** Undefined: no base side can be named (e.g. not a pull request); `noBase` says why. */
  base: BaseSpec | undefined;
  noBase?: string;
  observer?: RunObserver;
  source?: Results['source'];
  onRemeasure?: (entryIds: string[]) => void;
  /** Told what the base side is before it is measured. */
  onBase?: (label: string) => void;
}

export interface PrGateOutcome {
  results: Results;
  /** What the A/B base side was, when A/B ran. */
  abBase?: string;
  /** Why the whole job was judged by the history instead of A/B (compare: auto). */
  fallback?: string;
}

async function openBase(o: PrGateOptions): Promise<BaseSide> {
  if (!o.base) throw new UsageError(o.noBase ?? 'no base side was named');
  if (o.base.kind === 'directory') return openBaseSide(o.base.dir, o.configFile, o.cwd);
  const sha = await mergeBase(o.cwd, o.base.baseSha, o.base.headSha);
  const side = await openBaseSide(sha, o.configFile, o.cwd);
  side.label = `merge-base ${sha.slice(0, 12)}${o.base.baseRef ? ` of ${o.base.baseRef}` : ''}`;
  return side;
}

/**
 * The pull-request use case (the Action's `pr` mode): same-job A/B against the PR base where the
 * base side can be built, entries A/B could not pair judged by the stored history (each saying
 * why); else, with `auto`, the history comparison for the whole job, saying why.
 */
export async function runPrGate(o: PrGateOptions): Promise<PrGateOutcome> {
  const history = (why?: string) =>
    runAndGate({
      loaded: o.loaded,
      outDir: o.outDir,
      observer: o.observer,
      source: o.source,
      store: o.store,
      settings: o.settings,
      onRemeasure: o.onRemeasure,
    }).then((results) => ({ results: why ? markFallback(results, why) : results, fallback: why }));
  if (o.compare === 'history') return history();
  let base: BaseSide;
  try {
    base = await openBase(o);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    const why = `the base side cannot be built: ${error.message.split('\n')[0]}`;
    if (o.compare === 'ab') throw new UsageError(`compare: ab: ${why}`);
    return history(why);
  }
  const abBase = base.label;
  o.onBase?.(abBase);
  const measured = await runAbAndGate({
    loaded: o.loaded,
    against: base,
    configFile: o.configFile,
    cwd: o.cwd,
    outDir: o.outDir,
    observer: o.observer,
    source: o.source,
    failOn: o.settings.gate.failOn,
  });
  if (o.compare === 'ab') return { results: measured, abBase };
  return { results: await gateKeepingPairs(measured, storeLookup(o.store), o.settings), abBase };
}

/** Every judged entry marked as judged by the history because A/B could not run, and why. */
function markFallback(results: Results, why: string): Results {
  return {
    ...results,
    comparisons: results.comparisons?.map((c) =>
      c.verdict === 'failed' ? c : { ...c, method: 'history' as const, abSkipped: why },
    ),
  };
}
