import type * as OrtModule from 'onnxruntime-node';

/**
 * The one module that imports onnxruntime-node. It is a native library (and, installed, a large
 * package): nothing loads it until a runner or the accuracy reference actually runs a model, so
 * `--help`, `report`, `compare`, `baseline` and the Action's reporting jobs never do. Everything
 * else imports only its types.
 */
export type Ort = typeof OrtModule;

/**
 * Says what to import: a bare specifier, or the file URL of an installed copy's entry. Called on
 * the first load only, so a job that never runs a model never looks (the Action installs the
 * package at that moment: action/onnxruntime-install.ts).
 */
export type OnnxRuntimeLocator = () => Promise<string>;

/** By default a bare specifier, resolved from this package. */
let locate: OnnxRuntimeLocator = async () => 'onnxruntime-node';
let loading: Promise<Ort> | undefined;

/** Import onnxruntime-node from elsewhere, given now or found on first use; before first use. */
export function setOnnxRuntimeLocation(location: string | OnnxRuntimeLocator): void {
  locate = typeof location === 'string' ? async () => location : location;
  loading = undefined;
}

export function loadOnnxRuntime(): Promise<Ort> {
  loading ??= locate()
    .then((specifier) =>
      (import(specifier) as Promise<Ort>).catch((error: unknown) => {
        throw new Error(`cannot load onnxruntime-node from ${specifier}: ${(error as Error).message}`);
      }),
    )
    .catch((error: unknown) => {
      loading = undefined; // the next use tries again
      throw error;
    });
  return loading;
}
