import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { prometheusText } from '../../export/prometheus/metrics.js';
import { isReportFormat, REPORT_FORMATS, renderReport } from '../../report/render.js';
import { writeFileAtomically } from '../../util/atomic-write.js';
import type { CliIO } from '../io.js';
import { readResultsFiles, withResultsFrom } from '../results-from.js';

/** `prometheus` is `export prometheus` to stdout, kept here for the formats' one list. */
const FORMATS = [...REPORT_FORMATS, 'prometheus'] as const;

export function registerReport(program: Command, io: CliIO): void {
  withResultsFrom(
    program
      .command('report')
      .description('render a report from results.json files without re-running anything'),
    'one or more results files (several: one report for the matrix)',
  )
    .option('-f, --format <format>', `one of ${FORMATS.join(', ')}`, 'md')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action(async (flags: { from: string[]; format: string; out?: string }) => {
      const format = flags.format;
      if (!isReportFormat(format) && format !== 'prometheus') {
        throw new UsageError(`--format ${format}: expected one of ${FORMATS.join(', ')}`);
      }
      const inputs = await readResultsFiles(io, flags.from);
      const text =
        format === 'prometheus'
          ? await prometheusText(inputs)
          : renderReport(format, inputs.length === 1 ? inputs[0]! : inputs);
      if (flags.out) await writeFileAtomically(resolve(io.cwd, flags.out), text);
      else io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    });
}
