import { isAbsolute, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalKeyJson,
  describeDifference,
  differingFields,
  keyId,
  keyPath,
  slug,
} from '../../src/store/key.js';
import { makeKey } from './helpers.js';

const SAFE_SEGMENT = /^[a-z0-9_][a-z0-9._-]*$/;

describe('keyId', () => {
  it('is a short hex hash independent of property order and extra properties', () => {
    const key = makeKey();
    const reordered = Object.fromEntries(Object.entries(key).reverse()) as typeof key;
    expect(keyId(key)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyId(reordered)).toBe(keyId(key));
    expect(keyId({ ...key, extra: 'ignored' } as typeof key)).toBe(keyId(key));
    expect(canonicalKeyJson(reordered)).toBe(canonicalKeyJson(key));
  });

  it('is pinned: changing the canonical form would orphan every stored baseline', () => {
    expect(canonicalKeyJson(makeKey())).toBe(
      '{"batchSize":1,"device":"Intel(R) Xeon(R) CPU @ 2.20GHz","model":"resnet18","optionsHash":"abc123",' +
        '"precision":"fp16","runner":"onnxruntime","runtime":"onnxruntime 1.30.0"}',
    );
  });

  it.each([
    ['model', 'resnet50'],
    ['precision', 'int8'],
    ['batchSize', 8],
    ['runner', 'trtexec'],
    ['device', 'NVIDIA L4'],
    ['runtime', 'onnxruntime 1.31.0'],
    ['optionsHash', 'def456'],
  ] as const)('changes when %s changes', (field, value) => {
    expect(keyId(makeKey({ [field]: value }))).not.toBe(keyId(makeKey()));
  });
});

describe('keyPath', () => {
  it('is readable: <device>/<model>/<precision>-b<batch>-<id>.json', () => {
    const key = makeKey({ device: 'NVIDIA GeForce RTX 4090 (sm_89)', model: 'ResNet-18', batchSize: 4 });
    expect(keyPath(key)).toBe(`nvidia-geforce-rtx-4090-sm_89/resnet-18/fp16-b4-${keyId(key)}.json`);
  });

  const hostile = [
    '../../etc',
    '..',
    '.',
    'a/b',
    'a\\b\\..\\..\\c',
    '/etc/passwd',
    'C:\\Windows\\System32',
    '\0nul\u0000byte',
    '....//....//',
    'CON',
    'nul.txt',
    'com1',
    '',
    ' ',
    '.hidden',
    'ümläut ÇÀFÉ 模型',
    'x'.repeat(500),
    '%2e%2e%2fetc',
    '-rf',
  ];

  it.each(hostile)('keeps %j inside the store with safe segments', (name) => {
    const key = makeKey({ device: name, model: name });
    const path = keyPath(key);
    const segments = path.split('/');
    expect(segments).toHaveLength(3);
    for (const segment of segments) {
      expect(segment).toMatch(SAFE_SEGMENT);
      expect(segment.length).toBeLessThanOrEqual(60);
      expect(segment).not.toMatch(/^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/);
    }
    const root = resolve('/store/root');
    const rel = relative(root, join(root, ...segments));
    expect(rel.startsWith('..') || isAbsolute(rel)).toBe(false);
    expect(rel.split(/[\\/]/)).toHaveLength(3);
  });

  it('keeps keys apart whose names slug alike', () => {
    const a = makeKey({ model: 'Model A' });
    const b = makeKey({ model: 'model-a' });
    expect(slug(a.model)).toBe(slug(b.model));
    expect(keyPath(a)).not.toBe(keyPath(b));
  });

  it('slugs accented names readably', () => {
    expect(slug('Café Model')).toBe('cafe-model');
    expect(slug('..')).toBe('unnamed');
    expect(slug('CON')).toBe('_con');
  });
});

describe('describeDifference', () => {
  it('names each differing field with both values', () => {
    const a = makeKey({ device: 'NVIDIA A10G', runtime: 'tensorrt 10.3.0' });
    const b = makeKey({
      device: 'NVIDIA L4',
      runtime: 'tensorrt 10.4.0',
      optionsHash: 'zzz',
      runner: 'trtexec',
    });
    expect(differingFields(a, b)).toEqual(['device', 'runtime', 'optionsHash', 'runner']);
    const text = describeDifference(a, b);
    expect(text).toContain('device differs ("NVIDIA A10G" vs "NVIDIA L4")');
    expect(text).toContain('runtime differs ("tensorrt 10.3.0" vs "tensorrt 10.4.0")');
    expect(text).toContain('options hash differs ("abc123" vs "zzz")');
    expect(text).toContain('runner differs ("onnxruntime" vs "trtexec")');
    expect(text).not.toContain('model');
  });

  it('says so when nothing differs', () => {
    expect(describeDifference(makeKey(), makeKey())).toBe('no difference');
    expect(differingFields(makeKey(), makeKey())).toEqual([]);
  });
});
