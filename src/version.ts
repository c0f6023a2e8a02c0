// Inlined by the bundler; no file is read at run time (the bundles sit elsewhere than src/).
import pkg from '../package.json' with { type: 'json' };

/** trt-gate's own version, from package.json. */
export function toolVersion(): string {
  return pkg.version;
}
