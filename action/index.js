#!/usr/bin/env node
// The GitHub Action's entry (action.yml runs `node "$GITHUB_ACTION_PATH/action/index.js"`).
// Like bin/trt-gate.js, it registers tsx so the TypeScript sources run without a build step.
const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  process.stdout.write(
    `::error::trt-gate needs Node.js 20 or newer on the runner (found ${process.version})\n`,
  );
  process.exit(2);
}
const { register } = await import('tsx/esm/api');
register();
await import('./index.ts');
