/**
 * An engine diff as Markdown (report, PR comment, `diff-engines --markdown`) and as plain text for a
 * terminal. Layer and tactic names are untrusted: escaped for Markdown; the CLI's guarded writer
 * neutralizes control characters in plain text.
 */
import { escapeMarkdown } from '../report/escape.js';
import { formatSig } from '../report/format.js';
import { neutralize } from '../util/untrusted.js';
import type { EngineDiff, LayerChange } from './schema.js';

const KIND_LABEL: Record<LayerChange['kind'], string> = {
  same: 'same',
  changed: 'changed',
  added: 'added',
  removed: 'removed',
  refused: 'fused differently',
  'reformat-added': 'reformat added',
  'reformat-removed': 'reformat removed',
};

function names(row: LayerChange): { base: string; candidate: string } {
  return { base: row.baseNames.join(' · ') || '—', candidate: row.candidateNames.join(' · ') || '—' };
}

function changeText(row: LayerChange): string {
  return row.changes.map((c) => `${c.what}: ${c.base ?? '?'} → ${c.candidate ?? '?'}`).join('; ');
}

function ms(value: number | undefined, signed = false): string {
  if (value === undefined) return '—';
  const text = formatSig(value);
  return signed && value > 0 ? `+${text}` : text;
}

/** Plain strings for the report templates (which escape them for Markdown or HTML). */
export interface EngineDiffView {
  cause: string;
  reason: string;
  summary: string;
  rows: {
    kind: string;
    base: string;
    candidate: string;
    what: string;
    baseMs: string;
    candidateMs: string;
    deltaMs: string;
  }[];
  omitted: number;
}

export function engineDiffView(diff: EngineDiff): EngineDiffView {
  return {
    cause: diff.cause,
    reason: diff.reason,
    summary:
      `layers ${diff.counts.baseLayers} → ${diff.counts.candidateLayers}` +
      (diff.time
        ? `; per-layer GPU time ${ms(diff.time.baseMs)} → ${ms(diff.time.candidateMs)} ms (${ms(diff.time.deltaMs, true)} ms)`
        : ''),
    rows: diff.layers.map((row) => {
      const n = names(row);
      return {
        kind: KIND_LABEL[row.kind],
        base: n.base,
        candidate: n.candidate,
        what: changeText(row) || '—',
        baseMs: ms(row.baseMs),
        candidateMs: ms(row.candidateMs),
        deltaMs: ms(row.deltaMs, true),
      };
    }),
    omitted: diff.omitted,
  };
}

/** The cause line, counts and the rows, as Markdown. */
export function engineDiffMarkdown(diff: EngineDiff): string {
  const lines = [
    `**Engine diff: ${diff.cause}**: ${escapeMarkdown(diff.reason)}`,
    '',
    `Layers ${diff.counts.baseLayers} → ${diff.counts.candidateLayers}` +
      (diff.time
        ? `; per-layer GPU time ${ms(diff.time.baseMs)} → ${ms(diff.time.candidateMs)} ms (${ms(diff.time.deltaMs, true)} ms)`
        : ''),
  ];
  if (diff.layers.length > 0) {
    lines.push(
      '',
      '| Change | Base layer | Candidate layer | What changed | Base (ms) | Candidate (ms) | Δ ms |',
      '| --- | --- | --- | --- | ---: | ---: | ---: |',
    );
    for (const row of diff.layers) {
      const n = names(row);
      lines.push(
        `| ${KIND_LABEL[row.kind]} | ${escapeMarkdown(n.base)} | ${escapeMarkdown(n.candidate)} | ${escapeMarkdown(changeText(row)) || '—'} | ${ms(row.baseMs)} | ${ms(row.candidateMs)} | ${ms(row.deltaMs, true)} |`,
      );
    }
  }
  if (diff.omitted > 0) lines.push('', `${diff.omitted} more row(s) not shown.`);
  return `${lines.join('\n')}\n`;
}

/** Plain text for a terminal: one line per row. */
export function engineDiffText(diff: EngineDiff): string {
  const lines = [`cause: ${diff.cause}: ${neutralize(diff.reason)}`];
  lines.push(
    `layers: ${diff.counts.baseLayers} → ${diff.counts.candidateLayers} (same ${diff.counts.same}, changed ${diff.counts.changed}, added ${diff.counts.added}, removed ${diff.counts.removed}, fused differently ${diff.counts.refused}; reformats ${diff.counts.reformatsBase} → ${diff.counts.reformatsCandidate})`,
  );
  if (diff.precision.base || diff.precision.candidate) {
    lines.push(`precision: ${diff.precision.base ?? '?'} → ${diff.precision.candidate ?? '?'}`);
  }
  if (diff.time) {
    const parts = Object.entries(diff.time.byKind)
      .filter(([, v]) => v !== 0)
      .map(([k, v]) => `${k} ${ms(v, true)}`);
    lines.push(
      `per-layer GPU time: ${ms(diff.time.baseMs)} → ${ms(diff.time.candidateMs)} ms (${ms(diff.time.deltaMs, true)} ms${parts.length ? `: ${parts.join(', ')}` : ''})`,
    );
  }
  for (const row of diff.layers) {
    const n = names(row);
    const what = changeText(row);
    const shown = row.kind === 'added' || row.kind === 'reformat-added' ? n.candidate : n.base;
    const to =
      row.kind === 'refused' || (row.kind === 'changed' && n.base !== n.candidate) ? ` → ${n.candidate}` : '';
    const time =
      row.deltaMs !== undefined
        ? ` [${ms(row.baseMs)} → ${ms(row.candidateMs)} ms, ${ms(row.deltaMs, true)}]`
        : '';
    lines.push(
      `  ${KIND_LABEL[row.kind]}: ${neutralize(shown)}${neutralize(to)}${what ? ` (${neutralize(what)})` : ''}${time}`,
    );
  }
  if (diff.omitted > 0) lines.push(`  … ${diff.omitted} more row(s)`);
  return `${lines.join('\n')}\n`;
}
