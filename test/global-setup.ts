import { build } from '../scripts/build.mjs';

/** Builds the CLI bundle (dist/cli/) that bin/trt-gate.js runs, once per test run. */
export default async function setup(): Promise<void> {
  await build('cli');
}
