import type { RunEvent, RunObserver } from '../pipeline/events.js';
import type { Colors } from './terminal.js';

/** Progress lines on stderr, so stdout stays clean for --json and pipes. */
export class StderrProgress implements RunObserver {
  constructor(
    private readonly c: Colors,
    private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  onEvent(event: RunEvent): void {
    const c = this.c;
    switch (event.type) {
      case 'environment':
        this.write(c.dim(`▸ ${event.description}`));
        break;
      case 'entry-start':
        this.write(`${c.cyan(`[${event.index + 1}/${event.total}]`)} ${event.entryId}`);
        break;
      case 'stage':
        this.write(c.dim(`      ${event.stage}: ${event.message}`));
        break;
      case 'entry-done': {
        const e = event.entry;
        const detail =
          e.status === 'failed'
            ? c.red(`failed in ${e.error?.stage}`)
            : c.green(`p50 ${e.latency?.pooled.median.toFixed(3)} ms`);
        this.write(`      ${detail}`);
        break;
      }
    }
  }
}
