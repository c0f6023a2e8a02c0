import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { incidentSteps, nextStepsFor } from '../../src/report/playbooks.js';
import type { Incident } from '../../src/results/schema.js';
import { REPO_ROOT, sourceFiles } from '../helpers/source-files.js';

/** Next steps are written once, in the playbook table; producers attach only what names their occurrence. */

const TABLE = join('src', 'report', 'playbooks.ts');

/** Runs of six words, lower-cased: the unit of a copied sentence. */
function shingles(text: string): Set<string> {
  const words = text.toLowerCase().match(/[a-z0-9-]+/g) ?? [];
  const out = new Set<string>();
  for (let i = 0; i + 6 <= words.length; i++) out.add(words.slice(i, i + 6).join(' '));
  return out;
}

/** The quoted strings of a TypeScript file of at least 30 characters. */
function literals(source: string): string[] {
  return [...source.matchAll(/(['"`])((?:\\.|(?!\1).){30,}?)\1/g)].map((m) => m[2]!);
}

describe('the playbook table is the one copy of next steps', () => {
  it('no other source file repeats a sentence of it', () => {
    const table = new Set(
      literals(readFileSync(join(REPO_ROOT, TABLE), 'utf8')).flatMap((l) => [...shingles(l)]),
    );
    expect(table.size).toBeGreaterThan(100);
    const copies: string[] = [];
    for (const { path, text } of sourceFiles(['src', 'action', 'reports'], /\.(ts|hbs|md)$/)) {
      if (path === TABLE) continue;
      for (const literal of literals(text)) {
        const shared = [...shingles(literal)].find((s) => table.has(s));
        if (shared) copies.push(`${path}: "${shared}" in "${literal.slice(0, 80)}…"`);
      }
    }
    expect(copies).toEqual([]);
  });

  it("a writer shows the producer's own steps first, then the playbook's, each once", () => {
    const own = 'Full trtexec log: /tmp/x.build.log';
    const incident: Incident = {
      kind: 'timing-cache-miss',
      stage: 'build',
      title: 't',
      message: 'm',
      nextSteps: [own, nextStepsFor('timing-cache-miss')[0]!],
    };
    expect(incidentSteps(incident)).toEqual([own, ...nextStepsFor('timing-cache-miss')]);
  });
});

describe('noisy measurements: the advice follows the method that judged the entry', () => {
  it('an A/B entry is told about pairs and its A/A control, not the history thresholds', () => {
    for (const deviceKind of ['cpu', 'gpu'] as const) {
      for (const verdict of ['inconclusive', 'regressed'] as const) {
        const ab = nextStepsFor('unreliable-measurement', { method: 'ab', deviceKind, verdict }).join(' ');
        expect(ab).toMatch(/A\/A control/);
        expect(ab).toMatch(/ab\.maxPairs/);
        expect(ab).not.toMatch(/threshold it widened|trials or minDurationMs/);
        const history = nextStepsFor('unreliable-measurement', { method: 'history', deviceKind, verdict });
        expect(history.join(' ')).not.toMatch(/A\/A|ab\.maxPairs/);
      }
    }
    expect(nextStepsFor('unreliable-measurement', { method: 'ab', verdict: 'regressed' })[0]).toMatch(
      /A\/B comparison judged this entry in spite of the noise/,
    );
    expect(nextStepsFor('unreliable-measurement', { method: 'ab', verdict: 'inconclusive' })[0]).toMatch(
      /^Do not read this entry/,
    );
    expect(nextStepsFor('unreliable-measurement', { method: 'ab', deviceKind: 'cpu' }).join(' ')).not.toMatch(
      /GPU|nvidia-smi/,
    );
  });
});
