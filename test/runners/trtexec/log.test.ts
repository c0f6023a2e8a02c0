import { describe, expect, it } from 'vitest';
import { findSection, parseLog, parseLogLine, splitLines } from '../../../src/runners/trtexec/parse/log.js';
import { fixture } from './fixtures.js';

describe('log lines', () => {
  it('strips timestamp, severity and [TRT] tags', () => {
    const l = parseLogLine('[04/10/2025-11:37:24] [I] [TRT] Total Activation Memory: 2478873600 bytes', 7);
    expect(l).toMatchObject({
      lineNo: 7,
      timestamp: '04/10/2025-11:37:24',
      severity: 'I',
      trt: true,
      text: 'Total Activation Memory: 2478873600 bytes',
    });
  });

  it('accepts the [TRT] [E] order of the Python logger and lines without a timestamp', () => {
    expect(parseLogLine('[10/10/2025-17:37:58] [TRT] [E] 6: The engine plan file')).toMatchObject({
      severity: 'E',
      trt: true,
      text: '6: The engine plan file',
    });
    expect(parseLogLine('[W] * Throughput may be bound')).toMatchObject({
      severity: 'W',
      text: '* Throughput may be bound',
    });
    expect(parseLogLine('plain text')).toMatchObject({ text: 'plain text', trt: false });
    expect(parseLogLine('plain text').severity).toBeUndefined();
  });

  it('keeps an unknown bracket tag as text', () => {
    expect(parseLogLine('[I] [MemUsageStats] Peak').text).toBe('[MemUsageStats] Peak');
  });

  it('splits CRLF and LF and drops only the final empty line', () => {
    expect(splitLines('a\r\nb\n\nc\n')).toEqual(['a', 'b', '', 'c']);
  });

  it('finds sections in a real log', () => {
    const lines = parseLog(fixture('trt10.x-inference-setup-trace-perf-summary.log'));
    const i = findSection(lines, 'Performance summary');
    expect(lines[i]?.lineNo).toBe(18);
    expect(findSection(lines, 'Trace details')).toBeLessThan(i);
    expect(findSection(lines, 'Nope')).toBe(-1);
    // The error line of the real OOM log is tagged E.
    const oom = parseLog(fixture('trt10.3.0-build-oom-engine-not-created.log'));
    expect(oom.filter((l) => l.severity === 'E')).toHaveLength(4);
  });
});
