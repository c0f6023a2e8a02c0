/**
 * Line helpers for trtexec logs.
 *
 * trtexec prefixes each line with a timestamp and a severity tag (samples/common/logging.h):
 * `[05/08/2024-14:05:14] [I] text`. Messages from the TensorRT library itself carry a `[TRT]` tag after the
 * severity (`[I] [TRT] ...`); Python's TRT logger prints `[TRT] [E]` in the other order. Either tag may be
 * missing (piped or re-wrapped logs), so both are optional.
 */

export type Severity = 'V' | 'I' | 'W' | 'E' | 'F';

export interface LogLine {
  /** 1-based line number in the input. */
  lineNo: number;
  raw: string;
  /** `MM/DD/YYYY-HH:MM:SS` as printed, when present. */
  timestamp?: string;
  severity?: Severity;
  /** True when the line came from the TensorRT library (`[TRT]` tag). */
  trt: boolean;
  /** The message with timestamp, severity and `[TRT]` tags removed; trailing whitespace trimmed. */
  text: string;
}

const TIMESTAMP = /^\[(\d{2}\/\d{2}\/\d{4}-\d{2}:\d{2}:\d{2})\]\s?/;
const TAG = /^\[(V|I|W|E|F|TRT)\]\s?/;

/** Splits text into lines (LF, CRLF or CR); a trailing newline does not add an empty last line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function parseLogLine(raw: string, lineNo = 0): LogLine {
  let rest = raw;
  let timestamp: string | undefined;
  let severity: Severity | undefined;
  let trt = false;
  const ts = TIMESTAMP.exec(rest);
  if (ts) {
    timestamp = ts[1];
    rest = rest.slice(ts[0].length);
  }
  // At most one severity tag and one [TRT] tag, in either order.
  for (let i = 0; i < 2; i++) {
    const tag = TAG.exec(rest);
    if (!tag) break;
    if (tag[1] === 'TRT') {
      if (trt) break;
      trt = true;
    } else {
      if (severity) break;
      severity = tag[1] as Severity;
    }
    rest = rest.slice(tag[0].length);
  }
  return {
    lineNo,
    raw,
    ...(timestamp ? { timestamp } : {}),
    ...(severity ? { severity } : {}),
    trt,
    text: rest.trimEnd(),
  };
}

export function parseLog(text: string): LogLine[] {
  return splitLines(text).map((line, i) => parseLogLine(line, i + 1));
}

/** Finds the first line whose text is a `=== Title ===` section header with this title. */
export function findSection(lines: LogLine[], title: string, from = 0): number {
  for (let i = from; i < lines.length; i++) {
    if (sectionTitle(lines[i]!) === title) return i;
  }
  return -1;
}

/** `Performance summary` for `=== Performance summary ===`, else undefined. */
export function sectionTitle(line: LogLine): string | undefined {
  const m = /^=== (.+?) ===$/.exec(line.text.trim());
  return m ? m[1] : undefined;
}
