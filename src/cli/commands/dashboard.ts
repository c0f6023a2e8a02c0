import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildDashboard, writeDashboard } from '../../dashboard/site.js';
import type { CliIO } from '../io.js';
import { addStoreOptions, openStore, type StoreFlags } from '../store-options.js';

export function registerDashboard(program: Command, io: CliIO): void {
  addStoreOptions(
    program
      .command('dashboard')
      .description('write a static HTML dashboard of the stored history (no scripts, works offline)')
      .requiredOption('--out <dir>', 'directory to write the site into (replaced as a whole)'),
  )
    .option('--key <selector...>', 'only these series: a key id or model[/precision[/bN]]')
    .action(async (flags: StoreFlags & { out: string; key?: string[] }) => {
      const { store } = await openStore(flags, io, true);
      const files = await buildDashboard(store!, { filters: flags.key ?? [] }).finally(() => store!.close());
      const dir = resolve(io.cwd, flags.out);
      await writeDashboard(dir, files);
      io.stdout(`dashboard: ${resolve(dir, 'index.html')} (${files.size - 1} series)\n`);
    });
}
