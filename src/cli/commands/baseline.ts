import { resolve } from 'node:path';
import type { Command } from 'commander';
import { recordBaselines } from '../../app/record-baselines.js';
import { readResults } from '../../results/io.js';
import type { BaselineStore } from '../../store/types.js';
import type { CliIO } from '../io.js';
import { addStoreOptions, openStore, type StoreFlags } from '../store-options.js';
import { table } from '../terminal.js';

export function registerBaseline(program: Command, io: CliIO): void {
  const baseline = program.command('baseline').description('read and write the baseline store');

  addStoreOptions(
    baseline
      .command('save')
      .description('append a run to the baseline store (the only command that writes baselines)')
      .requiredOption('--from <results.json>', 'results file of the run to store'),
  )
    .option('--json', 'print what was stored as JSON')
    .action(async (flags: StoreFlags & { from: string; json?: boolean }) => {
      const results = await readResults(resolve(io.cwd, flags.from));
      const { store, historySize, label } = await openStore(flags, io, true);
      try {
        const [outcome] = await recordBaselines(store!, [results], historySize);
        if (flags.json) {
          io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
          return;
        }
        io.stdout(`stored for ${label}:\n`);
        for (const w of outcome!.written) {
          io.stdout(
            `  ${w.key.model}/${w.key.precision}/b${w.key.batchSize} on ${w.key.device}: ${w.runs} run(s)\n`,
          );
        }
        for (const s of outcome!.skipped) io.stdout(`  skipped ${s.entryId}: ${s.reason}\n`);
      } finally {
        await store!.close();
      }
    });

  addStoreOptions(baseline.command('list').description('list the keys in the baseline store'))
    .option('--json', 'print keys as JSON')
    .action(async (flags: StoreFlags & { json?: boolean }) => {
      const { store } = await openStore(flags, io, true);
      try {
        await listKeys(store!, io, flags.json === true);
      } finally {
        await store!.close();
      }
    });
}

async function listKeys(store: BaselineStore, io: CliIO, json: boolean): Promise<void> {
  const keys = await store.list();
  if (json) {
    io.stdout(`${JSON.stringify(keys, null, 2)}\n`);
    return;
  }
  const rows = await Promise.all(
    keys.map(async (k) => {
      const history = await store.read(k, { samples: false });
      const last = history?.runs.at(-1);
      return [
        k.model,
        k.precision,
        String(k.batchSize),
        k.device,
        k.runtime,
        String(history?.runs.length ?? 0),
        last?.createdAt ?? '—',
      ];
    }),
  );
  io.stdout(`${table(['model', 'precision', 'batch', 'device', 'runtime', 'runs', 'latest'], rows, 5)}\n`);
}
