import { accessSync, constants } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { RunnerFactory } from '../types.js';
import { staticOptionIssues } from './option-checks.js';
import { TrtexecOptions } from './options.js';
import { checkExtraFlags } from './parse/cli-values.js';

/** A TensorRT version that accepts every flag, so only version-independent flag problems show. */
const ANY_VERSION = { major: 10, minor: 0, patch: 0, raw: 'check' };

function executableIssue(path: string, key: string): Array<{ path: string; message: string }> {
  // Relative paths resolve against the config directory, which checkConfig does not see; the runner
  // reports those at probe. Bare names are looked up on PATH at run time.
  if (!isAbsolute(path)) return [];
  try {
    accessSync(path, constants.X_OK);
    return [];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return [
      {
        path: `runner.${key}`,
        message: `${path} ${code === 'ENOENT' ? 'does not exist' : 'is not executable'}`,
      },
    ];
  }
}

export const trtexecFactory: RunnerFactory<TrtexecOptions> = {
  type: 'trtexec',
  description: "NVIDIA TensorRT's trtexec on a GPU machine (engine builds, timing, per-layer profiles)",
  optionsSchema: TrtexecOptions,
  create: async (options, context) => {
    const { TrtexecRunner } = await import('./runner.js');
    return new TrtexecRunner(options, context);
  },
  checkConfig: (config, options) => {
    const issues = [
      ...executableIssue(options.path, 'path'),
      ...(options.nvidiaSmi === false ? [] : executableIssue(options.nvidiaSmi, 'nvidiaSmi')),
      ...staticOptionIssues(options),
    ];
    for (const [key, flags] of [
      ['extraBuildFlags', options.extraBuildFlags],
      ['extraRunFlags', options.extraRunFlags],
    ] as const) {
      const bad: Parameters<typeof checkExtraFlags>[3] = [];
      checkExtraFlags(flags, new Set(), ANY_VERSION, bad, []);
      for (const issue of bad)
        issues.push({
          path: issue.path.replace(/^runner\.extraFlags/, `runner.${key}`),
          message: issue.message,
        });
    }
    config.models.forEach((model, m) => {
      const calibrated = model.calibrationCache || model.calibration;
      if (model.precisions.includes('int8') && !model.variants.int8 && !calibrated) {
        issues.push({
          path: `models[${m}].calibrationCache`,
          message:
            'precision int8 needs a quantized (Q/DQ) model in variants.int8, a calibrationCache or calibration data; without one, trtexec builds with placeholder scales and the accuracy check cannot pass',
        });
      }
    });
    return issues;
  },
};
