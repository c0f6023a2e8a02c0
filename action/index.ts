// The Action's entry, bundled into action/dist/index.js (action.yml: `runs: using: node24`).
import { pathToFileURL } from 'node:url';
import * as core from '@actions/core';
import { setOnnxRuntimeLocation } from '../src/runners/onnxruntime/ort.js';
import { rawInput } from './inputs.js';
import { run } from './main.js';
import { Input } from './names.js';
import { locateOnnxRuntime } from './onnxruntime-install.js';

// onnxruntime-node is not in the bundle: found or installed the first time a model runs, so jobs
// that only read results files (aggregate, pr/release from files) install nothing.
setOnnxRuntimeLocation(async () => {
  const entry = await locateOnnxRuntime({
    preinstalled: rawInput(process.env, Input.onnxruntimeNodeDir),
    toolCache: process.env.RUNNER_TOOL_CACHE || process.env.RUNNER_TEMP,
    log: (line) => core.info(line),
  });
  return pathToFileURL(entry).href;
});
await run();
