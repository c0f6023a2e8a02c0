import type { ModelConfig, Precision, TrtGateConfig } from '../config/schema.js';

export interface PlannedEntry {
  id: string;
  modelIndex: number;
  model: ModelConfig;
  precision: Precision;
  batchSize: number;
}

export function entryId(model: string, precision: Precision, batchSize: number): string {
  return `${model}/${precision}/b${batchSize}`;
}

/** Every model × precision × batch size the config asks for, in config order. */
export function planEntries(config: TrtGateConfig, only?: (p: PlannedEntry) => boolean): PlannedEntry[] {
  const planned: PlannedEntry[] = [];
  config.models.forEach((model, modelIndex) => {
    const batches = config.benchmark.batchSizes.length
      ? config.benchmark.batchSizes
      : [model.inputs[0]!.shape[0]!];
    for (const precision of model.precisions) {
      for (const batchSize of batches) {
        planned.push({
          id: entryId(model.name, precision, batchSize),
          modelIndex,
          model,
          precision,
          batchSize,
        });
      }
    }
  });
  return only ? planned.filter(only) : planned;
}
