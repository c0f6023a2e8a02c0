import type { Verdict } from '../config/schema.js';
import type { Results } from '../results/schema.js';
import { entryLabel } from './format.js';
import { VERDICT_ORDER } from './labels.js';
import { rowView } from './row-view.js';
import type { DeviceView, RunView, ViewModelOptions } from './view-model-types.js';

/** Rows of one or more results files grouped per device, worst verdict first, and one RunView per file. */

export interface DeviceGroups {
  devices: DeviceView[];
  runs: RunView[];
  /** Row label per entry id, to name the gate's failing entries. */
  labels: Map<string, string>;
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
  const labels = new Map<string, string>();
  const runs: RunView[] = [];
  let hasComparisons = false;

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
    for (const entry of results.entries) {
      labels.set(entry.id, entryLabel(entry));
      device.rows.push(rowView(entry, comparisons.get(entry.id), name, options, env.device.kind));
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
  return { devices: deviceViews, runs, labels, hasComparisons };
}
