#!/usr/bin/env node
// Runs the esbuild bundle in dist/cli/ (built by `npm run build`, which `npm ci` runs through
// `prepare`): nothing is transpiled at start-up.
const entry = new URL('../dist/cli/main.js', import.meta.url);
let cli;
try {
  cli = await import(entry.href);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(entry.pathname)) throw error;
  process.stderr.write(
    'trt-gate: not built (dist/cli/main.js is missing): run `npm run build` in the trt-gate checkout (`npm ci` runs it)\n',
  );
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2));
