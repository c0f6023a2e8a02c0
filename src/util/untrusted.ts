/**
 * One definition of the characters that let untrusted text (model and node names, log lines, branch
 * names) act instead of being read: C0 controls (ESC starts terminal sequences, CR overwrites a
 * line), DEL, C1 controls (U+009B is a one-character CSI on some terminals), and the bidi marks,
 * embeddings, overrides and isolates that make text display in another order than it reads.
 * Each output format neutralizes them its own way, from this one list.
 */

/** Tab and LF are layout; every other C0, DEL, C1 and the bidi controls are not. */
export const UNSAFE_CHARS =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** `\u001b`: visible, and a valid JSON escape, so JSON output stays JSON with the same value. */
export function visibleEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** For terminals, logs and plain-text labels: unsafe characters shown as `\u001b`, never acted on. */
export function neutralize(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return text.replace(UNSAFE_CHARS, visibleEscape);
}

/** For markup (HTML, Markdown), where the character is dropped (CR is a line break there: kept). */
export const MARKUP_UNSAFE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * How the CLI's own SGR colour sequences travel until the terminal writer: `ESC [` replaced by a
 * per-process random run of private-use characters. Untrusted text cannot know it, so the writer
 * can tell our colours from an `ESC [ … m` inside a model name and let only ours act.
 */
export const OWN_SGR_MARK = Array.from(crypto.getRandomValues(new Uint16Array(6)), (n) =>
  String.fromCharCode(0xe000 + (n % 0x1900)),
).join('');
const OWN_SGR = new RegExp(`${OWN_SGR_MARK}([0-9;]*)m`, 'g');

/** An SGR sequence (`ESC [ 31 m`) in the CLI's own, marked form. */
export function ownSgr(sequence: string): string {
  return sequence.replace(/\u001b\[/g, OWN_SGR_MARK);
}

/** Text without the CLI's own colour marks (for measuring how wide it prints). */
export function withoutOwnSgr(text: string): string {
  return text.replace(OWN_SGR, '');
}

/**
 * Writes for a terminal or a CI log. Everything we print passes here, so an escape sequence in a
 * model name cannot retitle the window, clear the screen, recolour or hide lines: every unsafe
 * character, ESC included, becomes a visible escape. Only what the CLI itself emits acts: its own
 * marked colour sequences (see ownSgr) when colour is on for that stream (dropped when it is off),
 * and CR where `allowCr` (the progress line rewritten in place on an interactive stderr).
 */
export function terminalWriter(
  write: (text: string) => void,
  options: { colors: boolean; allowCr: boolean },
): (text: string) => void {
  const pattern = new RegExp(`${OWN_SGR.source}|${UNSAFE_CHARS.source}`, 'g');
  return (text) =>
    write(
      text.replace(pattern, (match, sgr: string | undefined) => {
        if (sgr !== undefined) return options.colors ? `\u001b[${sgr}m` : '';
        if (match === '\r' && options.allowCr) return match;
        return visibleEscape(match);
      }),
    );
}

/**
 * An http(s) URL as a Markdown link destination, or undefined for anything else (javascript:,
 * data:, unparsable). URL serialisation percent-encodes spaces, quotes and angle brackets;
 * parentheses would end the link, so they are encoded too.
 */
export function markdownHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29');
}
