import type { ModelConfig, Precision, TrtGateConfig } from '../config/schema.js';

export interface PlannedEntry {
  id: string;
  modelIndex: number;
  model: ModelConfig;
  precision: Precision;
  batchSize: number;
  /** The model's sweep runs with this entry (one per model × precision: the first batch size). */
  sweep: boolean;
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
      for (const [b, batchSize] of batches.entries()) {
        planned.push({
          sweep: model.sweep !== undefined && b === 0,
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
