import pc from 'picocolors';
import { ownSgr, withoutOwnSgr } from '../util/untrusted.js';

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * picocolors' formatters with their sequences in the CLI's own marked form (ownSgr), which only
 * the terminal writer turns into escape sequences: so only our colours ever reach a terminal.
 * Nesting is kept as picocolors does it (an inner close re-opens the outer style).
 */
function markedColors(): Colors {
  const plain = pc.createColors(true);
  const cut = '\u0000';
  const marked: Record<string, unknown> = { isColorSupported: true };
  for (const [name, format] of Object.entries(plain)) {
    if (typeof format !== 'function') continue;
    const f = format as (s: string) => string;
    const [rawOpen = '', rawClose = ''] = f(cut).split(cut);
    // What picocolors turns an inner close into: the outer open, or close+open for bold and dim.
    const rawReopen = f(`${cut}${rawClose}${cut}`).split(cut)[1] ?? rawOpen;
    const [open, close, reopen] = [rawOpen, rawClose, rawReopen].map(ownSgr) as [string, string, string];
    marked[name] = (input: unknown) => {
      const text = String(input);
      return open + (text.includes(close) ? text.split(close).join(reopen) : text) + close;
    };
  }
  return marked as unknown as Colors;
}

/** Colour only for a terminal, never with NO_COLOR set (https://no-color.org); FORCE_COLOR wins. */
export function colorsFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Colors {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const enabled =
    forced || (!('NO_COLOR' in env && env.NO_COLOR !== '') && Boolean(stream.isTTY) && env.TERM !== 'dumb');
  return enabled ? markedColors() : pc.createColors(false);
}

function visibleLength(text: string): number {
  return withoutOwnSgr(text).length;
}

/** A plain text table; the first `leftAligned` columns align left, the rest right (numbers). */
export function table(header: string[], rows: string[][], leftAligned = 2): string {
  const widths = header.map((h, c) =>
    Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[c] ?? ''))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - visibleLength(cell));
        return c < leftAligned ? cell + pad : pad + cell;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** 3 significant digits, no exponent for everyday magnitudes. */
export function num(value: number | undefined | null, digits = 3): string {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs < 1e-3) return value.toExponential(1);
  return Number(value.toPrecision(digits)).toString();
}
