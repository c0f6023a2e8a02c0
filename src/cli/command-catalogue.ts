import type { Command } from 'commander';
import type { CliIO } from './io.js';

/** Adds one command (with its subcommands) to the program. */
export type RegisterCommand = (program: Command, io: CliIO, setExit: (code: number) => void) => void;

export interface CatalogueEntry {
  /** The line `trt-gate --help` shows; the command's own `--help` shows its full description. */
  summary: string;
  /** Imports the command's module: a chunk of its own in the bundle, loaded only when it runs. */
  load: () => Promise<RegisterCommand>;
}

/**
 * Every top-level command. `trt-gate --help` lists these without importing any of them (each pulls
 * in zod, YAML, Handlebars, ONNX… when it loads); `trt-gate X …` imports X alone. Adding a command
 * is one entry here.
 */
export const COMMANDS: Record<string, CatalogueEntry> = {
  run: {
    summary: 'build, benchmark and check accuracy of every model × precision; compare with the baselines',
    load: async () => (await import('./commands/run.js')).registerRun,
  },
  import: {
    summary: 'turn the output of a benchmark run elsewhere into results.json',
    load: async () => (await import('./commands/import.js')).registerImport,
  },
  compare: {
    summary: 'compare two results files (candidate against baseline) and decide the gate',
    load: async () => (await import('./commands/compare.js')).registerCompare,
  },
  report: {
    summary: 'render a report from results.json files without re-running anything',
    load: async () => (await import('./commands/report.js')).registerReport,
  },
  'diff-engines': {
    summary: 'per-layer diff of two TensorRT engines (trtexec exports) and why they differ',
    load: async () => (await import('./commands/diff-engines.js')).registerDiffEngines,
  },
  export: {
    summary: 'export results to monitoring systems',
    load: async () => (await import('./commands/export.js')).registerExport,
  },
  release: {
    summary: 'write a Triton model repository and a release report for candidate runs that passed',
    load: async () => (await import('./commands/release.js')).registerRelease,
  },
  baseline: {
    summary: 'read and write the baseline store',
    load: async () => (await import('./commands/baseline.js')).registerBaseline,
  },
  history: {
    summary: 'change points over the stored runs: lasting steps, environment changes, blips',
    load: async () => (await import('./commands/history.js')).registerHistory,
  },
  dashboard: {
    summary: 'write a static HTML dashboard of the stored history',
    load: async () => (await import('./commands/dashboard.js')).registerDashboard,
  },
  schema: {
    summary: 'print the JSON Schema of trt-gate.yml (for editors)',
    load: async () => (await import('./commands/schema.js')).registerSchema,
  },
};

/**
 * The command `argv` runs, if any: its first word that is not an option (the program's own options
 * take no value), or the word after `help`.
 */
export function commandOf(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined;
}
