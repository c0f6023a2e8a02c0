import { describe, expect, it } from 'vitest';
import { incidentSteps } from '../../../src/report/playbooks.js';
import { Incident } from '../../../src/results/schema.js';
import { classifyTrtexecFailure, type TrtexecFailure } from '../../../src/runners/trtexec/classify.js';
import { fixture } from './fixtures.js';

function failure(over: Partial<TrtexecFailure>): TrtexecFailure {
  return { stage: 'build', exitCode: 1, stdout: '', stderr: '', timedOut: false, signal: null, ...over };
}

describe('classifyTrtexecFailure', () => {
  it('classifies the real 10.3 CUDA OOM build as out-of-memory', () => {
    const i = classifyTrtexecFailure(
      failure({ stdout: fixture('trt10.3.0-build-oom-engine-not-created.log') }),
    );
    expect(i.kind).toBe('out-of-memory');
    expect(i.stage).toBe('build');
    expect(i.message).toContain('14.4 GiB'); // 15485030400 bytes
    expect(i.logExcerpt).toContain('Error Code 1: Cuda Runtime (out of memory)');
    expect(i.logExcerpt).toContain('Engine could not be created from network');
    expect(i.logExcerpt).not.toContain('Local timing cache in use');
    expect(incidentSteps(i).join('\n')).toMatch(/--memPoolSize=workspace/);
    expect(incidentSteps(i).join('\n')).toMatch(/nvidia-smi/);
    expect(incidentSteps(i).join('\n')).toMatch(/builderOptimizationLevel/);
    expect(Incident.safeParse(i).success).toBe(true);
  });

  it('does not call a build failure OOM just because it says "Engine could not be created"', () => {
    const i = classifyTrtexecFailure(failure({ stdout: fixture('synthetic-failure-no-profile.log') }));
    expect(i.kind).toBe('shape-profile-error');
    expect(i.logExcerpt).toContain('no optimization profile has been defined');
    const plain = classifyTrtexecFailure(
      failure({
        stdout:
          '[E] Error[10]: Could not find any implementation for node X.\n[E] Engine could not be created from network',
      }),
    );
    expect(plain.kind).toBe('engine-build-failure');
    expect(plain.logExcerpt).toContain('Could not find any implementation');
  });

  it('names the unsupported operator', () => {
    const i = classifyTrtexecFailure(failure({ stdout: fixture('synthetic-failure-unsupported-op.log') }));
    expect(i.kind).toBe('unsupported-operator');
    expect(i.title).toBe('Unsupported ONNX operator Mish');
    expect(i.logExcerpt).toContain('getPluginCreator could not find plugin: Mish');
    expect(incidentSteps(i).join('\n')).toMatch(/--staticPlugins|--setPluginsToSerialize/);
    expect(incidentSteps(i).join('\n')).toMatch(/polygraphy surgeon/);
    expect(incidentSteps(i).join('\n')).toMatch(/opset/);
  });

  it('recognises engines built on another GPU or TensorRT', () => {
    const cc = classifyTrtexecFailure(
      failure({ stage: 'benchmark', stdout: fixture('synthetic-failure-engine-mismatch.log') }),
    );
    expect(cc.kind).toBe('engine-mismatch');
    expect(cc.message).toBe(
      'The engine targets compute capability 7.5 but this GPU is 8.6, so it cannot be loaded.',
    );
    expect(incidentSteps(cc).join('\n')).toMatch(/cache key/);
    const tag = classifyTrtexecFailure(
      failure({ stage: 'benchmark', stdout: fixture('synthetic-failure-version-tag.log') }),
    );
    expect(tag.kind).toBe('engine-mismatch');
    expect(tag.logExcerpt).toContain('Version tag does not match');
  });

  it('recognises a shape outside the profile', () => {
    const i = classifyTrtexecFailure(failure({ stdout: fixture('synthetic-failure-kmin-profile.log') }));
    expect(i.kind).toBe('shape-profile-error');
    const binding = classifyTrtexecFailure(
      failure({ stage: 'benchmark', stderr: '[E] Cannot find binding of given name: imgs' }),
    );
    expect(binding.kind).toBe('shape-profile-error');
  });

  it('names the rejected flag', () => {
    const i = classifyTrtexecFailure(failure({ stdout: fixture('synthetic-failure-unknown-option.log') }));
    expect(i.kind).toBe('unknown-option');
    expect(i.title).toBe('trtexec rejected option --workspace');
    expect(i.logExcerpt).toBe('[11/25/2026-10:00:00] [E] Unknown option: --workspace 1024');
  });

  it('puts a timeout first, even when the partial log shows an error', () => {
    const i = classifyTrtexecFailure(
      failure({
        timedOut: true,
        exitCode: null,
        signal: 'SIGTERM',
        stdout: fixture('trt10.3.0-build-oom-engine-not-created.log'),
      }),
    );
    expect(i.kind).toBe('timeout');
    expect(i.title).toBe('trtexec timed out during build');
  });

  it('reports crashes by signal, exit code 139 or text', () => {
    expect(classifyTrtexecFailure(failure({ signal: 'SIGSEGV', exitCode: null })).kind).toBe('crash');
    expect(classifyTrtexecFailure(failure({ exitCode: 139 })).kind).toBe('crash');
    const text = classifyTrtexecFailure(
      failure({ stage: 'benchmark', stderr: 'Segmentation fault (core dumped)' }),
    );
    expect(text.kind).toBe('crash');
    expect(text.logExcerpt).toBe('Segmentation fault (core dumped)');
    expect(classifyTrtexecFailure(failure({ signal: 'SIGKILL', exitCode: null })).message).toContain(
      'SIGKILL',
    );
  });

  it('falls back to engine-build-failure or runtime-error by stage', () => {
    const log = '[I] Starting inference\n[E] Error occurred during inference\n';
    expect(classifyTrtexecFailure(failure({ stage: 'build', stdout: log })).kind).toBe(
      'engine-build-failure',
    );
    const rt = classifyTrtexecFailure(failure({ stage: 'benchmark', stdout: log, exitCode: 1 }));
    expect(rt.kind).toBe('runtime-error');
    expect(rt.logExcerpt).toBe('[E] Error occurred during inference');
  });

  it('caps the excerpt at about 2000 characters', () => {
    const long = Array.from({ length: 50 }, (_, k) => `[E] Error[${k}]: ${'x'.repeat(300)}`).join('\n');
    const i = classifyTrtexecFailure(failure({ stdout: long }));
    expect(i.logExcerpt!.length).toBeLessThanOrEqual(2000);
    expect(i.logExcerpt!.length).toBeGreaterThan(1500);
  });
});
