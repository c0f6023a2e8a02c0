import { defineConfig } from 'vitest/config';
import { buildConstants } from './scripts/build.mjs';

export default defineConfig({
  // The constants the bundles get (scripts/build.mjs), for the sources the tests run unbundled.
  define: buildConstants(),
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Builds dist/cli/ once before any test file: tests that spawn bin/trt-gate.js never run a stale build.
    globalSetup: ['test/global-setup.ts'],
    // Two cores on CI: keep the native ONNX Runtime sessions from starving each other.
    maxWorkers: 2,
  },
});
