import type { Verdict } from '../config/schema.js';
import type { Results } from '../results/schema.js';
import { VERDICT_ORDER } from './labels.js';
import { rowView } from './row-view.js';
import type { DeviceView, RunView, ViewModelOptions } from './view-model-types.js';

/** Rows of one or more results files grouped per device, worst verdict first, and one RunView per file. */

export interface DeviceGroups {
  devices: DeviceView[];
  runs: RunView[];
  /** The gate's failing entries of every results file, named so that each is told apart. */
  failing: string[];
  hasComparisons: boolean;
}

function verdictRank(v: Verdict | null): number {
  return v === null ? VERDICT_ORDER.length : VERDICT_ORDER.indexOf(v);
}

function runView(results: Results, runtime: string): RunView {
  const sha = results.source.sha ?? null;
  return {
    runId: results.runId,
    createdAt: results.createdAt,
    toolVersion: results.tool.version,
    device: results.environment.device.name,
    runtime,
    runner: results.environment.runner,
    sha,
    shortSha: sha ? sha.slice(0, 7) : null,
    ref: results.source.ref ?? null,
    event: results.source.event ?? null,
  };
}

export function groupByDevice(list: readonly Results[], options: Required<ViewModelOptions>): DeviceGroups {
  const devices = new Map<string, DeviceView & { runtimes: Set<string>; runners: Set<string> }>();
  const runs: RunView[] = [];
  const failing: string[] = [];
  let hasComparisons = false;
  // An entry id that occurs in several files of one device (a matrix with the same key twice)
  // gets the run id in its label, so its rows and its "Failing:" mention say which file.
  const seen = new Map<string, number>();
  for (const results of list)
    for (const entry of results.entries) {
      const k = JSON.stringify([results.environment.device.name, entry.id]);
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
  const several = new Set(list.map((r) => r.environment.device.name)).size > 1;

  for (const results of list) {
    const env = results.environment;
    const name = env.device.name;
    const runtime = `${env.runtime.name} ${env.runtime.version}`;
    let device = devices.get(name);
    if (!device) {
      device = {
        name,
        kind: env.device.kind,
        runtime: '',
        runner: '',
        rows: [],
        runtimes: new Set(),
        runners: new Set(),
      };
      devices.set(name, device);
    }
    device.runtimes.add(runtime);
    device.runners.add(env.runner);
    const comparisons = new Map((results.comparisons ?? []).map((c) => [c.entryId, c]));
    if (comparisons.size > 0) hasComparisons = true;
    const failingIds = new Set(results.gate?.failing ?? []);
    for (const entry of results.entries) {
      const twice = (seen.get(JSON.stringify([name, entry.id])) ?? 0) > 1;
      const row = rowView(entry, comparisons.get(entry.id), name, options, env.device.kind);
      if (twice) {
        row.source = `run ${results.runId}`;
        row.label = `${row.label} · ${row.source}`;
      }
      device.rows.push(row);
      if (failingIds.has(entry.id)) failing.push(several ? `${row.label} (${name})` : row.label);
    }
    runs.push(runView(results, runtime));
  }

  const deviceViews: DeviceView[] = [...devices.values()].map(({ runtimes, runners, ...d }) => ({
    ...d,
    runtime: [...runtimes].join(', '),
    runner: [...runners].join(', '),
    // Array.prototype.sort is stable: rows of one verdict keep the results' order.
    rows: [...d.rows].sort((a, b) => verdictRank(a.verdict) - verdictRank(b.verdict)),
  }));
  return { devices: deviceViews, runs, failing, hasComparisons };
}
