import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { compareEntry } from '../../src/gate/compare.js';
import { renderReport } from '../../src/report/render.js';
import type { LayerTiming } from '../../src/results/schema.js';
import { parseExportLayerInfo } from '../../src/runners/trtexec/parse/export-layer-info.js';
import { parseExportProfile } from '../../src/runners/trtexec/parse/export-profile.js';
import { latencyTrials, makeEntry, makeHistory, STATISTICAL } from '../gate/helpers.js';
import { EVIL_NAME, makeResults } from '../report/helpers.js';
import {
  type LayerInfoJson,
  type ProfileJson,
  RTX3090_FP32_LAYERS,
  RTX3090_FP32_PROFILE,
  readJson,
} from './exports.js';

const CONV = 'resnet50/conv2_block1_2_conv/Conv2D + resnet50/conv2_block1_2_relu/Relu';

/** Layer timings as a trtexec profile run stores them, from the real exports (optionally edited). */
function timings(edit?: (info: LayerInfoJson, profile: ProfileJson) => void): LayerTiming[] {
  const info = readJson<LayerInfoJson>(RTX3090_FP32_LAYERS);
  const profile = readJson<ProfileJson>(RTX3090_FP32_PROFILE);
  edit?.(info, profile);
  const layerInfo = parseExportLayerInfo(JSON.stringify(info), 'layers.json');
  return parseExportProfile(JSON.stringify(profile), 'profile.json', layerInfo).layers;
}

/** Edited copy: the conv picks another kernel (its tactic name comes from the export: untrusted) and takes 0.4 ms longer. */
const drifted = () =>
  timings((info, profile) => {
    info.Layers.find((l) => l.Name === CONV)!.TacticName = EVIL_NAME;
    (profile.find((p) => 'name' in p && p.name === CONV) as { averageMs: number }).averageMs += 0.4;
  });

const thresholds = { 'latency.p50': STATISTICAL };

describe('engine diff in comparisons and reports', () => {
  it('latency regressed with both sides profiled: the comparison carries the diff, cause tactic drift', () => {
    const base = makeHistory(
      ['b1', 'b2', 'b3'].map((seed) =>
        makeEntry({ trials: latencyTrials({ seed, median: 10 }), layers: timings() }),
      ),
    );
    const candidate = makeEntry({ trials: latencyTrials({ seed: 'c', median: 12 }), layers: drifted() });
    const c = compareEntry(candidate, base, [], thresholds);
    expect(c.verdict).toBe('regressed');
    expect(c.engineDiff?.cause).toBe('tactic-drift');
    expect(c.engineDiff?.layers[0]).toMatchObject({ kind: 'changed', baseNames: [CONV] });
    expect(c.engineDiff!.layers[0]!.deltaMs).toBeCloseTo(0.4, 9);

    const results = makeResults({ entries: [candidate], comparisons: [c], deviceKind: 'gpu' });
    const md = renderReport('md', results);
    expect(md).toContain('Engine diff: **tactic-drift**');
    const html = marked.parse(md) as string;
    expect(html).not.toContain('<img');
    expect(md).not.toContain('@octocat');
    const page = renderReport('html', results);
    expect(page).toContain('Engine diff: tactic-drift');
    expect(page).not.toContain('<img src=x');
    expect(renderReport('summary', results)).toContain('Engine diff: **tactic-drift**');
  });

  it('no diff when latency did not move, or when a side has no layers', () => {
    const base = makeHistory(
      ['b1', 'b2', 'b3'].map((seed) =>
        makeEntry({ trials: latencyTrials({ seed, median: 10 }), layers: timings() }),
      ),
    );
    const quiet = compareEntry(
      makeEntry({ trials: latencyTrials({ seed: 'c', median: 10 }), layers: drifted() }),
      base,
      [],
      thresholds,
    );
    expect(quiet.verdict).toBe('unchanged');
    expect(quiet.engineDiff).toBeUndefined();
    const unprofiled = compareEntry(
      makeEntry({ trials: latencyTrials({ seed: 'c', median: 12 }) }),
      base,
      [],
      thresholds,
    );
    expect(unprofiled.verdict).toBe('regressed');
    expect(unprofiled.engineDiff).toBeUndefined();
  });
});
