import { escapeMarkdown } from '../report/escape.js';
import { formatDeltaPct, formatSig } from '../report/format.js';
import type { Entry, Results } from '../results/schema.js';
import type { ReleasedModel } from './repository.js';

function pct(candidate: number | undefined, production: number | undefined): string {
  if (candidate === undefined || production === undefined || production === 0) return '—';
  return formatDeltaPct((candidate / production - 1) * 100);
}

function value(v: number | undefined, unit = ''): string {
  return v === undefined ? '—' : `${formatSig(v)}${unit}`;
}

/** The production entry for the same model, precision and device, if the production runs have one. */
function productionEntry(entry: Entry, production: readonly Results[]): Entry | undefined {
  for (const r of production) {
    const match = r.entries.find(
      (e) =>
        e.model === entry.model &&
        e.precision === entry.precision &&
        e.key.device === entry.key.device &&
        e.status === 'ok',
    );
    if (match) return match;
  }
  return undefined;
}

/**
 * What changes against production, per released model and device: latency, throughput at the SLO
 * and accuracy, with the candidate's incidents. Text from models and logs is escaped.
 */
export function releaseReport(models: readonly ReleasedModel[], production: readonly Results[]): string {
  const lines = ['# trt-gate release', ''];
  lines.push(
    production.length
      ? `Compared with production: ${production.map((r) => `run ${escapeMarkdown(r.runId)}${r.source.sha ? ` @ ${escapeMarkdown(r.source.sha.slice(0, 12))}` : ''}`).join(', ')}.`
      : 'No production results given (`--production`): values only, nothing compared.',
    '',
    '| Triton model | Device | p50 ms | Δ p50 | p99 ms | items/s at SLO | Δ at SLO | cosine | top-1 | Δ cosine |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const incidents: string[] = [];
  for (const m of models) {
    for (const { entry } of m.entries) {
      const prod = productionEntry(entry, production);
      const p50 = entry.latency?.pooled.median;
      const atSlo = entry.sweep?.throughputAtSlo;
      const cosine = entry.accuracy?.worst?.cosine;
      const top1 = entry.accuracy?.worst?.top1Agreement;
      lines.push(
        // Triton names are model names (letters, digits, . _ -) and a precision: safe in a code span.
        `| \`${m.name}\` (${m.platform}) | ${escapeMarkdown(entry.key.device)} | ${value(p50)} | ${pct(p50, prod?.latency?.pooled.median)} | ${value(entry.latency?.pooled.p99)} | ${value(atSlo)} | ${pct(atSlo, prod?.sweep?.throughputAtSlo)} | ${cosine === undefined ? '—' : cosine.toFixed(6)} | ${top1 === undefined ? '—' : `${(top1 * 100).toFixed(1)} %`} | ${cosine !== undefined && prod?.accuracy?.worst ? (cosine - prod.accuracy.worst.cosine).toExponential(1) : '—'} |`,
      );
      for (const i of entry.incidents) {
        incidents.push(
          `- ${escapeMarkdown(m.name)} on ${escapeMarkdown(entry.key.device)}: **${escapeMarkdown(i.kind)}** ${escapeMarkdown(i.title)}: ${escapeMarkdown(i.message)}`,
        );
      }
    }
  }
  lines.push(
    '',
    '## Incidents',
    '',
    ...(incidents.length ? incidents : ['None recorded in the candidate runs.']),
  );
  lines.push('', '## Artifacts', '');
  for (const m of models) {
    lines.push(
      `- \`${m.name}\` (${m.platform}): ${Object.entries(m.files)
        .map(([f, sha]) => `\`1/${f}\` sha256 \`${sha}\``)
        .join(', ')}`,
    );
    if (m.platform === 'onnxruntime_onnx') {
      lines.push(
        "  - The ONNX Runtime runner measured this graph as ONNX Runtime optimised it for its execution provider; serve it with Triton's onnxruntime backend on the same provider (no TensorRT engine was built).",
      );
    }
  }
  lines.push('', 'Checksums of every file: `SHA256SUMS` (`sha256sum -c SHA256SUMS`).', '');
  return lines.join('\n');
}
