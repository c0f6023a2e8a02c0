#!/usr/bin/env node
// Start-up cost of the CLI: process CPU time (user + system) of `trt-gate --help` and
// `trt-gate report --from results.json`, side by side with `node -e 0`, interleaved, medians.
// Measures, asserts nothing.
//
//   npm run bench:startup            (or: node bench/startup.mjs [repetitions=9])
//
// Each child reports its own process.resourceUsage() at exit through a preloaded hook (the same
// hook in every command, `node -e 0` included), so the numbers are the child's CPU, not wall time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'trt-gate.js');
const reps = Number(process.argv[2] ?? 9);
const dir = mkdtempSync(join(tmpdir(), 'trt-gate-bench-startup-'));
const usageFile = join(dir, 'usage.json');
const HOOK = `data:text/javascript,${encodeURIComponent(
  `import { writeFileSync } from 'node:fs';
   process.on('exit', () => { const u = process.resourceUsage();
     writeFileSync(process.env.TRT_GATE_BENCH_USAGE, JSON.stringify({ user: u.userCPUTime, system: u.systemCPUTime })); });`,
)}`;

function cpuSeconds(args) {
  const child = spawnSync(process.execPath, ['--import', HOOK, ...args], {
    cwd: ROOT,
    env: { ...process.env, TRT_GATE_BENCH_USAGE: usageFile, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`${args.join(' ')}: exit ${child.status}\n${child.stderr}`);
  const { user, system } = JSON.parse(readFileSync(usageFile, 'utf8'));
  return (user + system) / 1e6;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  // A real results file: the quickstart's smallest model, run once.
  process.stderr.write('preparing a results file (trt-gate run on the quickstart mlp)…\n');
  const out = join(dir, 'out');
  const run = spawnSync(process.execPath, [BIN, 'run', '-q', '--model', 'mlp', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`trt-gate run: exit ${run.status}\n${run.stderr}`);
  const results = join(out, 'results.json');

  const commands = {
    'node -e 0': ['-e', '0'],
    'trt-gate --help': [BIN, '--help'],
    'trt-gate report --from results.json': [BIN, 'report', '--from', results],
    // For comparison: the same sources transpiled by tsx at start (how bin/trt-gate.js ran before).
    '--help, sources through tsx (no bundle)': [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(['--help']);",
    ],
  };
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < reps; i++) {
    for (const [name, args] of Object.entries(commands)) samples[name].push(cpuSeconds(args));
    process.stderr.write(`round ${i + 1}/${reps}\n`);
  }
  const base = median(samples['node -e 0']);
  console.log(`process CPU time (user+sys), median of ${reps} interleaved runs, node ${process.version}`);
  console.log('command                               median s   min s   max s   ÷ node -e 0');
  for (const [name, xs] of Object.entries(samples)) {
    const m = median(xs);
    console.log(
      `${name.padEnd(36)} ${m.toFixed(3).padStart(8)} ${Math.min(...xs)
        .toFixed(3)
        .padStart(7)} ${Math.max(...xs)
        .toFixed(3)
        .padStart(7)} ${(m / base).toFixed(2).padStart(12)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
