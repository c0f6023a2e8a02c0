import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaselineConfig } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { FilesystemBaselineStore } from '../../src/store/filesystem-store.js';
import { GitBranchBaselineStore } from '../../src/store/git-branch-store.js';
import { createBaselineStore, STORE_FACTORIES } from '../../src/store/registry.js';

const main = { branch: 'main' };
const context = {
  configDir: '/repo/ci',
  cwd: '/elsewhere',
  configFile: '/repo/ci/trt-gate.yml',
  namespace: main,
};

describe('createBaselineStore', () => {
  it('resolves a relative filesystem path against the config file directory, not cwd', () => {
    const store = createBaselineStore({ type: 'filesystem', path: '../baselines' }, context);
    expect(store).toBeInstanceOf(FilesystemBaselineStore);
    expect((store as FilesystemBaselineStore).root).toBe(resolve('/repo/baselines'));
  });

  it('uses the config default path, and keeps an absolute path as is', () => {
    const defaulted = BaselineConfig.parse({ store: { type: 'filesystem' } }).store;
    expect((createBaselineStore(defaulted, context) as FilesystemBaselineStore).root).toBe(
      resolve('/repo/ci/.trt-gate/baselines'),
    );
    const absolute = createBaselineStore({ type: 'filesystem', path: '/data/b' }, context);
    expect((absolute as FilesystemBaselineStore).root).toBe(resolve('/data/b'));
  });

  it('resolves a relative configDir against cwd', () => {
    const store = createBaselineStore(
      { type: 'filesystem', path: 'b' },
      { configDir: 'ci', cwd: '/work', namespace: main },
    );
    expect((store as FilesystemBaselineStore).root).toBe(join(resolve('/work'), 'ci', 'b'));
  });

  it('returns no store for type none (the default)', () => {
    expect(createBaselineStore({ type: 'none' }, context)).toBeUndefined();
    expect(createBaselineStore(BaselineConfig.parse({}).store, context)).toBeUndefined();
  });

  it('refuses a type without a factory as a config error naming the field', () => {
    const config = { type: 'nope' } as never;
    expect((STORE_FACTORIES as Record<string, unknown>).nope).toBeUndefined();
    const attempt = () => createBaselineStore(config, context);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow('/repo/ci/trt-gate.yml: baseline.store.type: store type "nope" is not supported');
  });

  it('creates a git-branch store for type git-branch', () => {
    const config = BaselineConfig.parse({ store: { type: 'git-branch' } }).store;
    expect(createBaselineStore(config, context)).toBeInstanceOf(GitBranchBaselineStore);
  });

  it('keeps each namespace in its own directory of the store, for every store type', () => {
    const fs = createBaselineStore({ type: 'filesystem', path: 'b' }, context) as FilesystemBaselineStore;
    expect(fs.dir).toBe(resolve('/repo/ci/b/branches/main'));
    const prod = createBaselineStore(
      { type: 'filesystem', path: 'b' },
      { ...context, namespace: { production: true } },
    ) as FilesystemBaselineStore;
    expect(prod.dir).toBe(resolve('/repo/ci/b/production'));
    const git = createBaselineStore(
      BaselineConfig.parse({ store: { type: 'git-branch', remote: '/r.git' } }).store,
      { ...context, namespace: { branch: 'release/1.2' } },
    );
    expect(git!.description).toContain('(baselines/branches/release-1.2/)');
  });
});
