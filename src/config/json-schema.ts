import { z } from 'zod';
import { TrtGateConfig } from './schema.js';

/** JSON Schema of the config as a user writes it (defaults optional), for editor completion. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(TrtGateConfig, { io: 'input', unrepresentable: 'any' }),
    title: 'trt-gate configuration (trt-gate.yml)',
  };
}
