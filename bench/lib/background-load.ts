/**
 * A controlled busy period: one child process per core, each alternating seeded bursts of busy
 * CPU (5–50 ms) with idle gaps (5–50 ms) — another job bursting on every core, as on a shared CI
 * runner. Paused (SIGSTOP) for a quiet period and resumed (SIGCONT) for a busy one, so one run of
 * a bench measures both; stopped at the end. Only the processes started here are signalled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const BURSTS = `
let s = Number(process.argv[1]) >>> 0;
const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
const tick = () => {
  const end = performance.now() + 5 + rnd() * 45;
  while (performance.now() < end) {}
  setTimeout(tick, 5 + rnd() * 45);
};
tick();
`;

export class BackgroundLoad {
  private readonly children: ChildProcess[];
  private running = true;

  constructor(seed: number, processes = availableParallelism()) {
    this.children = Array.from({ length: processes }, (_, i) =>
      spawn(process.execPath, ['-e', BURSTS, String(seed * 1000 + i)], { stdio: 'ignore' }),
    );
  }

  /** Busy (true) or quiet (false). */
  set busy(on: boolean) {
    if (on === this.running) return;
    for (const c of this.children) c.kill(on ? 'SIGCONT' : 'SIGSTOP');
    this.running = on;
  }

  stop(): void {
    for (const c of this.children) {
      if (!this.running) c.kill('SIGCONT');
      c.kill('SIGTERM');
    }
  }
}
