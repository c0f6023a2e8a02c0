/** The onnxruntime-node module (the only native package trt-gate uses). */
export type Ort = typeof import('onnxruntime-node');

/**
 * Says what to import for onnxruntime-node: a file URL of its entry (the Action's install), or
 * undefined for Node's resolution from trt-gate's own files (the CLI, the tests). Called on the
 * first load only, so a job that never runs a model never looks, and never installs.
 */
export type OnnxRuntimeLocator = () => Promise<string | undefined>;

let locator: OnnxRuntimeLocator = async () => undefined;
let loading: Promise<Ort> | undefined;

/** Sets where the next load imports onnxruntime-node from (the Action does, before any use). */
export function locateOnnxRuntimeWith(locate: OnnxRuntimeLocator): void {
  locator = locate;
  loading = undefined;
}

/** Imports onnxruntime-node once, from where the locator says; later calls share that load. */
export function loadOnnxRuntime(): Promise<Ort> {
  loading ??= locator()
    .then((url) => (url ? (import(url) as Promise<Ort>) : import('onnxruntime-node')))
    .catch((error: unknown) => {
      loading = undefined; // the next call tries again
      throw error;
    });
  return loading;
}
