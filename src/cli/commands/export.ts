import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { prometheusText } from '../../export/prometheus/metrics.js';
import { pushToGateway } from '../../export/prometheus/push.js';
import { writeFileAtomically } from '../../util/atomic-write.js';
import type { CliIO } from '../io.js';
import { readResultsFiles, withResultsFrom } from '../results-from.js';

interface PrometheusFlags {
  from: string[];
  out?: string;
  push?: string;
  job: string;
  retries: string;
  json?: boolean;
}

export function registerExport(program: Command, io: CliIO): void {
  const exportCommand = program.command('export').description('export results to monitoring systems');
  withResultsFrom(
    exportCommand
      .command('prometheus')
      .description(
        'Prometheus metrics of results files: a textfile-collector file (--out), a Pushgateway (--push), or stdout',
      ),
    'one or more results files',
  )
    .option('-o, --out <file>', 'write the exposition text here (atomically), e.g. for node_exporter')
    .option('--push <url>', 'push to this Pushgateway (one group per device: job + instance)')
    .option('--job <name>', 'the Pushgateway job name', 'trt-gate')
    .option('--retries <n>', 'retries of a failed push (connection errors, 5xx, 429)', '3')
    .option('--json', 'print what was written and pushed as JSON')
    .action(async (flags: PrometheusFlags) => {
      const retries = Number(flags.retries);
      if (!Number.isInteger(retries) || retries < 0) {
        throw new UsageError(`--retries ${flags.retries}: expected a whole number >= 0`);
      }
      const runs = await readResultsFiles(io, flags.from);
      const text = await prometheusText(runs);
      const out = flags.out ? resolve(io.cwd, flags.out) : undefined;
      if (out) await writeFileAtomically(out, text);
      const pushed = flags.push
        ? await pushToGateway(runs, {
            url: flags.push,
            job: flags.job,
            retries,
            onRetry: (message) => io.stderr(`trt-gate: ${message}\n`),
          })
        : [];
      if (flags.json) {
        io.stdout(`${JSON.stringify({ out: out ?? null, pushed }, null, 2)}\n`);
      } else if (!out && !flags.push) {
        io.stdout(text);
      } else {
        if (out) io.stderr(`wrote ${out}\n`);
        for (const p of pushed) {
          io.stderr(`pushed ${p.series} series to ${flags.push} (job ${p.job}, instance ${p.instance})\n`);
        }
      }
    });
}
