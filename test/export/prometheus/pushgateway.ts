import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** Debian's package puts it here; .ci/run installs it when missing. */
export const PUSHGATEWAY_BIN = process.env.TRT_GATE_PUSHGATEWAY ?? '/usr/bin/prometheus-pushgateway';

export function pushgatewayMissing(): string | undefined {
  return existsSync(PUSHGATEWAY_BIN)
    ? undefined
    : `${PUSHGATEWAY_BIN} is not installed (apt-get install prometheus-pushgateway); Pushgateway tests skipped`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

export interface RunningPushgateway {
  url: string;
  stop(): Promise<void>;
}

/** Starts a real Pushgateway on a free loopback port, in memory only, and waits until it is ready. */
export async function startPushgateway(): Promise<RunningPushgateway> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    PUSHGATEWAY_BIN,
    [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file=', '--log.level=error'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pushgateway exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`pushgateway did not become ready on ${url}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
