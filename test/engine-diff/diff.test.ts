import { describe, expect, it } from 'vitest';
import { diffEngines } from '../../src/engine-diff/diff.js';
import { loadSide } from '../../src/engine-diff/load.js';
import { EngineDiff } from '../../src/engine-diff/schema.js';
import {
  A100_FP32_PROFILE,
  file,
  fp32Stem,
  type LayerInfoJson,
  type ProfileJson,
  RTX3090_FP16_STEM,
  RTX3090_FP32_LAYERS,
  RTX3090_FP32_PROFILE,
  readJson,
  realFile,
} from './exports.js';

const layers = () => readJson<LayerInfoJson>(RTX3090_FP32_LAYERS);
const profile = () => readJson<ProfileJson>(RTX3090_FP32_PROFILE);
const CONV_A = 'resnet50/conv2_block1_2_conv/Conv2D + resnet50/conv2_block1_2_relu/Relu';
const CONV_B = 'resnet50/conv3_block1_2_conv/Conv2D + resnet50/conv3_block1_2_relu/Relu';

describe('diffEngines on real exports', () => {
  it('fp32 vs fp16 builds of ResNet-50 on an RTX 3090: a precision change, with the tactics, formats and reformats it brought', () => {
    const diff = diffEngines(
      loadSide([file('fp32.json', fp32Stem())]),
      loadSide([realFile(RTX3090_FP16_STEM)]),
    );
    expect(EngineDiff.parse(diff)).toEqual(diff);
    expect(diff.cause).toBe('precision-change');
    expect(diff.precision).toEqual({ base: 'fp32', candidate: 'fp16' });
    expect(diff.counts).toMatchObject({
      baseLayers: 11,
      candidateLayers: 12,
      added: 0,
      removed: 0,
      refused: 0,
      precision: 7,
      implementation: 1,
      tactic: 6,
      reformatsBase: 3,
      reformatsCandidate: 4,
    });
    const pool = diff.layers.find((r) => r.baseNames[0] === 'resnet50/pool1_pool/MaxPool')!;
    expect(pool.changes).toContainEqual({
      what: 'implementation',
      base: 'TiledPooling',
      candidate: 'CudnnPooling',
    });
    // The transposing Shuffle stays fp32 in both builds: not listed.
    expect(diff.layers.some((r) => r.baseNames[0] === 'resnet50/conv1_conv/Conv2D__6')).toBe(false);
    expect(diff.layers.filter((r) => r.kind === 'reformat-added')).toHaveLength(4);
    expect(diff.layers.filter((r) => r.kind === 'reformat-removed')).toHaveLength(3);
  });

  it('the same export on both sides is identical; a TensorRT upgrade is the environment, whatever else changed', () => {
    const side = () => loadSide([realFile(RTX3090_FP32_LAYERS), realFile(RTX3090_FP32_PROFILE)]);
    const same = diffEngines(side(), side());
    expect(same.cause).toBe('identical');
    expect(same.layers).toEqual([]);
    expect(same.time).toMatchObject({ deltaMs: 0 });
    expect(same.counts.same).toBe(103);

    const up = diffEngines(
      loadSide([realFile(RTX3090_FP32_LAYERS)], { tensorrt: '10.8.0', device: 'NVIDIA GeForce RTX 3090' }),
      loadSide([realFile(RTX3090_FP16_STEM)], { tensorrt: '10.9.0', device: 'NVIDIA GeForce RTX 3090' }),
    );
    expect(up.cause).toBe('environment');
    expect(up.reason).toContain('TensorRT 10.8.0 → 10.9.0');
    expect(up.environment.device).toEqual({
      base: 'NVIDIA GeForce RTX 3090',
      candidate: 'NVIDIA GeForce RTX 3090',
    });
  });

  it('tactic drift: same graph, two layers with other kernels (edited copy) that take longer; the time goes to them', () => {
    const cand = layers();
    const prof = profile();
    for (const name of [CONV_A, CONV_B]) {
      const l = cand.Layers.find((x) => x.Name === name)!;
      l.TacticName = `${l.TacticName}_other`;
      l.TacticValue = '0x0000000000001234';
      const p = prof.find((x) => 'name' in x && x.name === name) as { averageMs: number };
      p.averageMs += 0.25;
    }
    const diff = diffEngines(
      loadSide([realFile(RTX3090_FP32_LAYERS), realFile(RTX3090_FP32_PROFILE)]),
      loadSide([file('cand-layers.json', cand), file('cand-profile.json', prof)]),
    );
    expect(diff.cause).toBe('tactic-drift');
    expect(diff.counts).toMatchObject({ tactic: 2, added: 0, removed: 0, refused: 0, precision: 0 });
    expect(diff.time!.deltaMs).toBeCloseTo(0.5, 9);
    expect(diff.time!.byKind.tactic).toBeCloseTo(0.5, 9);
    expect(diff.layers.map((r) => r.baseNames[0]).sort()).toEqual([CONV_A, CONV_B].sort());
    expect(diff.layers[0]!.deltaMs).toBeCloseTo(0.25, 9);
  });

  it('graph change: a fused layer split in two reads as one "fused differently" row, a dropped softmax as removed', () => {
    const cand = layers();
    const fused =
      'resnet50/conv2_block1_0_conv/Conv2D + resnet50/conv2_block1_add/add + resnet50/conv2_block1_out/Relu';
    const i = cand.Layers.findIndex((l) => l.Name === fused);
    cand.Layers.splice(
      i,
      1,
      { ...cand.Layers[i]!, Name: 'resnet50/conv2_block1_0_conv/Conv2D' },
      {
        ...cand.Layers[i]!,
        Name: 'resnet50/conv2_block1_add/add + resnet50/conv2_block1_out/Relu',
        LayerType: 'PointWiseV2',
      },
    );
    cand.Layers = cand.Layers.filter((l) => l.LayerType !== 'CudaSoftMax');
    const diff = diffEngines(loadSide([realFile(RTX3090_FP32_LAYERS)]), loadSide([file('cand.json', cand)]));
    expect(diff.cause).toBe('graph-change');
    expect(diff.counts).toMatchObject({ refused: 1, removed: 1, added: 0 });
    const refused = diff.layers.find((r) => r.kind === 'refused')!;
    expect(refused.baseNames).toEqual([fused]);
    expect(refused.candidateNames).toHaveLength(2);
    expect(diff.layers.find((r) => r.kind === 'removed')!.type).toBe('CudaSoftMax');
  });

  it('profiles alone (no tactics): same layers, moved times → undetermined, naming what to export', () => {
    const prof = readJson<ProfileJson>(A100_FP32_PROFILE);
    const slower = prof.map((e, i) =>
      i === 0 ? e : { ...e, averageMs: (e as { averageMs: number }).averageMs * 1.1 },
    );
    const diff = diffEngines(
      loadSide([realFile(A100_FP32_PROFILE)]),
      loadSide([file('slower.json', slower)]),
    );
    expect(diff.cause).toBe('undetermined');
    expect(diff.reason).toContain('--profilingVerbosity=detailed');
    expect(diff.time!.deltaMs).toBeCloseTo(diff.time!.baseMs * 0.1, 6);
    expect(diff.layers.every((r) => r.kind === 'same')).toBe(true);
  });

  it('limit keeps the largest time changes and counts the rest', () => {
    const prof = profile();
    prof.forEach((e, i) => {
      if (i > 0) (e as { averageMs: number }).averageMs += i / 1000;
    });
    const side = () => loadSide([realFile(RTX3090_FP32_LAYERS)]);
    const diff = diffEngines(
      loadSide([realFile(RTX3090_FP32_LAYERS), realFile(RTX3090_FP32_PROFILE)]),
      loadSide([realFile(RTX3090_FP32_LAYERS), file('p.json', prof)]),
      { limit: 3 },
    );
    expect(side().layers).toHaveLength(103);
    expect(diff.layers).toHaveLength(3);
    expect(diff.omitted).toBe(100);
    expect(diff.layers[0]!.deltaMs!).toBeGreaterThanOrEqual(diff.layers[2]!.deltaMs!);
  });
});

describe('loadSide', () => {
  it('refuses files that are neither export, and two profiles for one engine', () => {
    expect(() => loadSide([{ path: 'x.json', text: '{"layers": []}' }])).toThrow(/x\.json.*"Layers"/);
    expect(() => loadSide([{ path: 'bad.json', text: '{' }])).toThrow(/bad\.json/);
    expect(() => loadSide([realFile(A100_FP32_PROFILE), realFile(RTX3090_FP32_PROFILE)])).toThrow(
      /second --exportProfile/,
    );
    expect(() => loadSide([{ path: 'empty.json', text: '{"Layers": []}' }])).toThrow(
      /empty\.json: no layers/,
    );
  });
});
