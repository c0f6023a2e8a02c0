import type { Command } from 'commander';
import { analyseHistory } from '../../app/history.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_HISTORY_OPTIONS, renderHistoryMarkdown } from '../../history/index.js';
import type { CliIO } from '../io.js';
import { addStoreOptions, openStore, type StoreFlags } from '../store-options.js';

interface HistoryFlags extends StoreFlags {
  json?: boolean;
  key?: string[];
  minEffect?: string;
}

function parseMinEffect(text: string | undefined): number {
  if (text === undefined) return DEFAULT_HISTORY_OPTIONS.minEffectPct;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value >= 100)
    throw new UsageError(`--min-effect: expected a percentage between 0 and 100, got "${text}"`);
  return value;
}

export function registerHistory(program: Command, io: CliIO): void {
  addStoreOptions(
    program
      .command('history')
      .description(
        'change points over the stored runs: lasting steps in latency, throughput and accuracy, environment changes, blips (reads only)',
      ),
  )
    .option('--json', 'print the analysis as JSON')
    .option('--key <selector...>', 'only these series: a key id or model[/precision[/bN]] (repeatable)')
    .option(
      '--min-effect <pct>',
      'smallest latency/throughput step reported, percent',
      String(DEFAULT_HISTORY_OPTIONS.minEffectPct),
    )
    .action(async (flags: HistoryFlags) => {
      const options = { ...DEFAULT_HISTORY_OPTIONS, minEffectPct: parseMinEffect(flags.minEffect) };
      const { store } = await openStore(flags, io, true);
      const { report } = await analyseHistory(store!, { filters: flags.key ?? [], options }).finally(() =>
        store!.close(),
      );
      if (flags.key && flags.key.length > 0 && report.series.length === 0)
        throw new UsageError(
          `--key ${flags.key.join(' ')}: no stored series matches (see trt-gate baseline list)`,
        );
      io.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderHistoryMarkdown(report)}\n`);
    });
}
