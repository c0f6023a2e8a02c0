import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

/** Colour only for a terminal, never with NO_COLOR set (https://no-color.org); FORCE_COLOR wins. */
export function colorsFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Colors {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const enabled =
    forced || (!('NO_COLOR' in env && env.NO_COLOR !== '') && Boolean(stream.isTTY) && env.TERM !== 'dumb');
  return pc.createColors(enabled);
}

const ANSI = /\u001b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
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
