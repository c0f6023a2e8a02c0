/**
 * GitHub's text limits, each in its own unit: comments in characters, check-run output in UTF-8
 * bytes. Cutting never splits a character (a surrogate pair, a multi-byte sequence) and always
 * says that something was cut.
 */
import { markdownHref } from '../../src/util/untrusted.js';

/** Code points, so a cut never leaves half a surrogate pair. */
function codePoints(text: string): string[] {
  return Array.from(text);
}

/** At most `max` characters (code points), with `…` when cut. */
export function fitChars(text: string, max: number): string {
  const chars = codePoints(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, max - 1).join('')}…`;
}

/** The note appended to a cut check summary; names where the whole report is. */
export function truncationNote(where?: string): string {
  const href = markdownHref(where);
  const link = href
    ? ` The full report is in the [workflow run](${href}).`
    : ' The full report is in the job summary and the results artifact.';
  return `\n\n---\n**Truncated** to fit GitHub's limit for check output.${link}\n`;
}

/**
 * At most `maxBytes` of UTF-8: cut at the last line break that fits (else at a character
 * boundary), followed by a note saying it was cut.
 */
export function fitUtf8(text: string, maxBytes: number, where?: string): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const note = truncationNote(where);
  const budget = maxBytes - Buffer.byteLength(note, 'utf8');
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  let cut = text.slice(0, end);
  const lastLine = cut.lastIndexOf('\n');
  if (lastLine > end / 2) cut = cut.slice(0, lastLine);
  return `${cut}${note}`;
}
