import type { Command } from 'commander';
import { configJsonSchema } from '../../config/json-schema.js';
import type { CliIO } from '../io.js';

export function registerSchema(program: Command, io: CliIO): void {
  program
    .command('schema')
    .description('print the JSON Schema of trt-gate.yml (for editors)')
    .action(() => {
      io.stdout(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
