import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { InputSpec, TensorDType, ValidationConfig } from '../config/schema.js';
import { ConfigError, DataError } from '../errors.js';
import { mulberry32 } from '../util/prng.js';
import { fromBytes } from './generate.js';
import { type NpyArray, type NpyDType, npyItemBytes, npyValues, parseNpy } from './npy.js';
import { parseNpz } from './npz.js';
import { elementCount, floatToHalf, type HostTensor, type TensorSet } from './tensor.js';

/**
 * A validation set: the model's inputs (and optionally integer class labels) from .npy/.npz
 * files, item by item along axis 0. Batches of the entry's batch size are the accuracy samples.
 * A set larger than `maxItems` is reduced to a seeded subset; which one is recorded.
 */
export interface ValidationSet {
  /** What the set was read from, for reports. */
  source: string;
  /** Items in the files. */
  total: number;
  /** Items used (whole batches of the entry's batch size). */
  items: number;
  batchSize: number;
  /** Set when a subset was drawn: the seed and the item indices used, in order. */
  subset?: { seed: number; indices: number[] };
  /** Labels of the used items, in order (same order as the batches' rows). */
  labels?: Int32Array;
  batches: number;
  batch(index: number): TensorSet;
}

export interface ValidationWhere {
  file: string;
  /** e.g. `models[0].validation` */
  path: string;
}

/** Reads every .npy/.npz of `path` (a file or a directory, in name order) into arrays by name. */
async function readArrays(
  path: string,
  inputs: InputSpec[],
  where: ValidationWhere,
): Promise<Map<string, NpyArray[]>> {
  let files: string[];
  try {
    const info = await stat(path);
    files = info.isDirectory()
      ? (await readdir(path))
          .filter((f) => f.endsWith('.npy') || f.endsWith('.npz'))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch (error) {
    throw new ConfigError([
      { ...where, path: `${where.path}.data`, message: `cannot read ${path}: ${(error as Error).message}` },
    ]);
  }
  if (files.length === 0) {
    throw new ConfigError([
      { ...where, path: `${where.path}.data`, message: `${path} holds no .npy or .npz files` },
    ]);
  }
  const byName = new Map<string, NpyArray[]>();
  const add = (name: string, array: NpyArray) => byName.set(name, [...(byName.get(name) ?? []), array]);
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(file));
    } catch (error) {
      throw new DataError(`cannot read validation file ${file}: ${(error as Error).message}`, file);
    }
    if (extname(file) === '.npz') {
      for (const [name, array] of parseNpz(bytes, file)) add(name, array);
    } else {
      // A .npy holds one array: named by its file (`image.npy`, `labels.npy`), or, for a
      // one-input model, any other name is a chunk of that input.
      const stem = basename(file, '.npy');
      const known = inputs.some((i) => i.name === stem);
      add(known || inputs.length > 1 ? stem : inputs[0]!.name, parseNpy(bytes, file));
    }
  }
  return byName;
}

/** Concatenates chunks along axis 0, checking that the item shapes agree. */
function concat(name: string, chunks: NpyArray[], source: string): NpyArray {
  const first = chunks[0]!;
  const itemShape = first.shape.slice(1).join('x');
  for (const c of chunks) {
    if (c.dtype !== first.dtype || c.shape.slice(1).join('x') !== itemShape || c.shape.length === 0) {
      throw new DataError(
        `${source}: array "${name}" has chunks of different dtype or item shape (${first.dtype} [${first.shape}] vs ${c.dtype} [${c.shape}])`,
      );
    }
  }
  if (chunks.length === 1) return first;
  const data = new Uint8Array(chunks.reduce((n, c) => n + c.data.length, 0));
  let offset = 0;
  for (const c of chunks) {
    data.set(c.data, offset);
    offset += c.data.length;
  }
  return {
    dtype: first.dtype,
    shape: [chunks.reduce((n, c) => n + c.shape[0]!, 0), ...first.shape.slice(1)],
    data,
  };
}

const FLOAT_TARGETS: ReadonlySet<TensorDType> = new Set(['float32', 'float16']);

/** Can values of `from` feed an input of `to`? Same type, or any number into a float input. */
function convertible(from: NpyDType, to: TensorDType): boolean {
  return from === to || FLOAT_TARGETS.has(to);
}

function itemTensor(array: NpyArray, rows: number[], input: InputSpec): HostTensor {
  const per = elementCount(array.shape.slice(1));
  const bytes = per * npyItemBytes(array.dtype);
  const dims = [rows.length, ...array.shape.slice(1)];
  const raw = new Uint8Array(rows.length * bytes);
  rows.forEach((r, k) => {
    raw.set(array.data.subarray(r * bytes, (r + 1) * bytes), k * bytes);
  });
  if (array.dtype === input.dtype) {
    return { dtype: input.dtype, dims, data: fromBytes(input.dtype, raw) };
  }
  const values = npyValues({ dtype: array.dtype, shape: dims, data: raw });
  const data = input.dtype === 'float16' ? Uint16Array.from(values, floatToHalf) : Float32Array.from(values);
  return { dtype: input.dtype, dims, data };
}

/** `count` distinct indices of `0..total-1`, drawn by a seeded partial Fisher–Yates shuffle, sorted. */
export function seededSubset(total: number, count: number, seed: number): number[] {
  const idx = Array.from({ length: total }, (_, i) => i);
  const rand = mulberry32(seed);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rand() * (total - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, count).sort((a, b) => a - b);
}

/** Loads a validation set for inputs at `batchSize` (inputs' shape[0] is the batch axis). */
export async function loadValidationSet(args: {
  config: ValidationConfig;
  /** Absolute path of `config.data`. */
  dataPath: string;
  /** Absolute path of `config.labels`, when given. */
  labelsPath?: string;
  inputs: InputSpec[];
  batchSize: number;
  where: ValidationWhere;
}): Promise<ValidationSet> {
  const { config, inputs, batchSize, where } = args;
  const source = args.dataPath;
  const byName = await readArrays(args.dataPath, inputs, where);
  const arrays = new Map<string, NpyArray>();
  for (const input of inputs) {
    const chunks = byName.get(input.name);
    if (!chunks) {
      throw new ConfigError([
        {
          ...where,
          path: `${where.path}.data`,
          message: `${source} has no array named "${input.name}" (has: ${[...byName.keys()].join(', ') || 'none'})`,
        },
      ]);
    }
    const array = concat(input.name, chunks, source);
    const want = input.shape.slice(1).join('x');
    if (array.shape.slice(1).join('x') !== want) {
      throw new DataError(
        `${source}: array "${input.name}" has shape [${array.shape.join(', ')}]; expected [N, ${input.shape.slice(1).join(', ')}] (N items of the input "${input.name}")`,
      );
    }
    if (!convertible(array.dtype, input.dtype)) {
      throw new DataError(
        `${source}: array "${input.name}" is ${array.dtype}; the input is ${input.dtype} (expected ${input.dtype}, or any number type for a float input)`,
      );
    }
    arrays.set(input.name, array);
  }
  const total = arrays.get(inputs[0]!.name)!.shape[0]!;
  for (const [name, a] of arrays) {
    if (a.shape[0] !== total) {
      throw new DataError(
        `${source}: array "${name}" has ${a.shape[0]} items, "${inputs[0]!.name}" has ${total}`,
      );
    }
  }
  const labels = await readLabels(args, byName, total);

  const wanted = Math.min(total, config.maxItems);
  const items = Math.floor(wanted / batchSize) * batchSize;
  if (items === 0) {
    throw new DataError(`${source}: ${total} items, fewer than one batch of ${batchSize}`);
  }
  const subset = items < total ? seededSubset(total, items, config.seed) : undefined;
  const order = subset ?? Array.from({ length: items }, (_, i) => i);
  const set: ValidationSet = {
    source,
    total,
    items,
    batchSize,
    batches: items / batchSize,
    batch(index) {
      const rows = order.slice(index * batchSize, (index + 1) * batchSize);
      const feeds: TensorSet = {};
      for (const input of inputs) feeds[input.name] = itemTensor(arrays.get(input.name)!, rows, input);
      return feeds;
    },
  };
  if (subset) set.subset = { seed: config.seed, indices: subset };
  if (labels) set.labels = Int32Array.from(order, (i) => labels[i]!);
  return set;
}

async function readLabels(
  args: Parameters<typeof loadValidationSet>[0],
  byName: Map<string, NpyArray[]>,
  total: number,
): Promise<Float64Array | undefined> {
  let array: NpyArray | undefined;
  let from: string;
  if (args.labelsPath) {
    from = args.labelsPath;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(args.labelsPath));
    } catch (error) {
      throw new DataError(
        `cannot read labels file ${args.labelsPath}: ${(error as Error).message}`,
        args.labelsPath,
      );
    }
    array = parseNpy(bytes, args.labelsPath);
  } else {
    from = `${args.dataPath} (array "${args.config.labelsArray}")`;
    const chunks = byName.get(args.config.labelsArray);
    if (!chunks) return undefined;
    array = concat(args.config.labelsArray, chunks, args.dataPath);
  }
  const flat = array.shape.length === 1 || (array.shape.length === 2 && array.shape[1] === 1);
  if (!flat || array.dtype.startsWith('float') || array.dtype === 'bool' || array.shape[0] !== total) {
    throw new DataError(
      `${from}: labels are ${array.dtype} [${array.shape.join(', ')}]; expected integer class indices of shape [${total}] (one per item)`,
    );
  }
  const values = npyValues(array);
  if (values.some((v) => v < 0)) throw new DataError(`${from}: labels must be class indices ≥ 0`);
  return values;
}
