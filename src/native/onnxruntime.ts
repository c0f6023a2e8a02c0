import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The onnxruntime-node module (the only native package trt-gate uses). */
export type Ort = typeof import('onnxruntime-node');

/**
 * Says where onnxruntime-node is installed: a directory holding `node_modules/onnxruntime-node`,
 * or undefined for Node's own resolution from trt-gate's files (the CLI, the tests). Called on
 * the first load only, so a job that never runs inference never looks (the Action installs the
 * package there on first use).
 */
export type OnnxRuntimeLocator = () => Promise<string | undefined>;

let locator: OnnxRuntimeLocator = async () => undefined;
let loading: Promise<Ort> | undefined;

/** Sets where the next load resolves onnxruntime-node from (the Action does, before any use). */
export function locateOnnxRuntimeWith(locate: OnnxRuntimeLocator): void {
  locator = locate;
  loading = undefined;
}

/** Imports onnxruntime-node once, from where the locator says; later calls share that load. */
export function loadOnnxRuntime(): Promise<Ort> {
  loading ??= locator().then((prefix) => (prefix ? importFrom(prefix) : import('onnxruntime-node')));
  // A failed load is not cached: the next call tries again (and reports its own error).
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

async function importFrom(prefix: string): Promise<Ort> {
  const require = createRequire(join(prefix, 'package.json'));
  const entry = require.resolve('onnxruntime-node');
  return (await import(pathToFileURL(entry).href)) as Ort;
}
