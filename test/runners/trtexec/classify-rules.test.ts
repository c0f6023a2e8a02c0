import { describe, expect, it } from 'vitest';
import {
  classifyTrtexecFailure,
  matchingRule,
  type TrtexecFailure,
} from '../../../src/runners/trtexec/classify.js';
import { CLASSIFICATION_RULES, rejectedFlags } from '../../../src/runners/trtexec/classify-rules.js';
import { fixture } from './fixtures.js';
import { KIND_OF_CLASS, TRUTH, truthFile } from './truth.js';

function failure(over: Partial<TrtexecFailure>): TrtexecFailure {
  return { stage: 'build', exitCode: 1, stdout: '', stderr: '', timedOut: false, signal: null, ...over };
}

const failures = TRUTH.filter((c) => c.kind === 'log' && c.status === 'failure');

describe('classification of the real failures in trtexec2/truth.json', () => {
  it.each(failures.map((c) => [c.file, c] as const))('%s', (_file, c) => {
    const incident = classifyTrtexecFailure(
      failure({ stage: c.stage ?? 'build', stdout: truthFile(c.file) }),
    );
    expect(incident.kind).toBe(KIND_OF_CLASS[c.failureClass!]);
    expect(incident.stage).toBe(c.stage ?? 'build');
  });

  it('names every rejected flag, not only the first', () => {
    const eleven = classifyTrtexecFailure(
      failure({ stdout: truthFile('trt11.0.0-unknown-option-removed-precision-flags.log') }),
    );
    expect(eleven.title).toBe('trtexec rejected options --fp16, --int8, --best, --precisionConstraints');
    const ten = classifyTrtexecFailure(
      failure({ stdout: truthFile('trt10.3.0-unknown-option-workspace-buildonly-explicitbatch.log') }),
    );
    expect(rejectedFlags(ten.logExcerpt!)).toEqual(['--workspace', '--buildOnly', '--explicitBatch']);
    expect(ten.title).toBe('trtexec rejected options --workspace, --buildOnly, --explicitBatch');
  });

  it('names an operator without the sentence period after it', () => {
    const i = classifyTrtexecFailure(
      failure({ stdout: truthFile('trt8.0.1-plugin-not-found-custom-op-cut.log') }),
    );
    expect(i.title).toBe('Unsupported ONNX operator Custom');
  });

  it('calls a dimension outside every profile at run time a shape error, not a runtime error', () => {
    const i = classifyTrtexecFailure(
      failure({
        stage: 'benchmark',
        stdout: truthFile('trt8.x-runtime-binding-dimension-exceeds-profile.log'),
      }),
    );
    expect(i.kind).toBe('shape-profile-error');
    expect(i.logExcerpt).toContain('exceed min ~ max range');
  });
});

describe('the rule table', () => {
  // Real lines (format of trtexec's logger) for rules no recorded fixture exercises.
  const LINES: Record<string, string> = {
    'static-shapes':
      '[11/02/2025-10:00:00] [E] Static model does not take explicit shapes since the shape of inference tensors will be determined by the model itself',
    'no-profile-10x':
      '[11/02/2025-10:00:00] [E] Error[3]: IExecutionContext::setInputShape: Error Code 3: API Usage Error (Parameter check failed, condition: satisfyProfile. Set dimension [16,3,224,224] for tensor input does not satisfy any optimization profiles. Valid range for profile 0: [1,3,224,224]..[8,3,224,224].)',
    'missing-onnx':
      '[11/02/2025-10:00:00] [E] Could not open file missing.onnx\n[11/02/2025-10:00:00] [E] [TRT] ModelImporter.cpp:773: Failed to parse ONNX model from file: missing.onnx\n[11/02/2025-10:00:00] [E] Failed to parse onnx file',
    'missing-input': '[11/02/2025-10:00:00] [E] Cannot open file input0.bin!',
  };

  it('has unique ids, and every rule is reached by some real or recorded log', () => {
    const ids = CLASSIFICATION_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const reached = new Set<string>();
    const logs = [
      ...failures.map((c) => truthFile(c.file)),
      fixture('trt10.3.0-build-oom-engine-not-created.log'),
      fixture('synthetic-failure-engine-mismatch.log'),
      ...Object.values(LINES),
    ];
    for (const stdout of logs) reached.add(matchingRule(failure({ stdout })));
    for (const id of ids) expect(reached).toContain(id);
  });

  it('static models given explicit shapes, and shapes outside every profile (10.x), are shape errors', () => {
    const s = classifyTrtexecFailure(failure({ stage: 'benchmark', stdout: LINES['static-shapes']! }));
    expect(s).toMatchObject({
      kind: 'shape-profile-error',
      title: 'Explicit shapes were given for a static model',
    });
    const p = classifyTrtexecFailure(failure({ stage: 'benchmark', stdout: LINES['no-profile-10x']! }));
    expect(p.kind).toBe('shape-profile-error');
  });

  it('a missing input file is not an unsupported operator', () => {
    const onnx = classifyTrtexecFailure(failure({ stdout: LINES['missing-onnx']! }));
    expect(onnx).toMatchObject({
      kind: 'engine-build-failure',
      title: 'trtexec could not open missing.onnx',
    });
    const input = classifyTrtexecFailure(failure({ stage: 'benchmark', stdout: LINES['missing-input']! }));
    expect(input).toMatchObject({ kind: 'runtime-error', title: 'trtexec could not open input0.bin' });
  });
});
