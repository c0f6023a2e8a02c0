import type * as OrtModule from 'onnxruntime-node';

/**
 * The one module that imports onnxruntime-node. It is a native library (and, installed, a large
 * package): nothing loads it until a runner or the accuracy reference actually runs a model, so
 * `--help`, `report`, `compare`, `baseline` and the Action's reporting jobs never do. Everything
 * else imports only its types.
 */
export type Ort = typeof OrtModule;

/** Where the module is imported from; a bare specifier resolved from this package by default. */
let specifier = 'onnxruntime-node';
let loading: Promise<Ort> | undefined;

/** Import onnxruntime-node from elsewhere (e.g. a directory installed on demand); before first use. */
export function setOnnxRuntimeLocation(location: string): void {
  specifier = location;
  loading = undefined;
}

export function loadOnnxRuntime(): Promise<Ort> {
  loading ??= (import(specifier) as Promise<Ort>).catch((error: unknown) => {
    loading = undefined;
    throw new Error(`cannot load onnxruntime-node from ${specifier}: ${(error as Error).message}`);
  });
  return loading;
}
