import type { RunEvent, RunObserver } from '../pipeline/events.js';
import { neutralize, withoutOwnSgr } from '../util/untrusted.js';
import type { Colors } from './terminal.js';

/**
 * Progress on stderr, so stdout stays clean for --json and pipes. On a terminal the stage line is
 * rewritten in place (one line per entry); in CI logs every stage gets its own line.
 */
export class StderrProgress implements RunObserver {
  /** Visible length of the stage line being rewritten in place (0: none open). */
  private openLength = 0;

  constructor(
    private readonly c: Colors,
    private readonly write: (text: string) => void = (text) => process.stderr.write(text),
    private readonly interactive = false,
  ) {}

  /** Back to column 0 over the open stage line, blanking it with spaces (no escape codes: NO_COLOR). */
  private clearOpen(): void {
    if (this.openLength > 0) this.write(`\r${' '.repeat(this.openLength)}\r`);
    this.openLength = 0;
  }

  private line(text: string): void {
    this.clearOpen();
    this.write(`${text}\n`);
  }

  onEvent(event: RunEvent): void {
    const c = this.c;
    switch (event.type) {
      case 'environment':
        this.line(c.dim(`▸ ${neutralize(event.description)}`));
        break;
      case 'entry-start':
        this.line(`${c.cyan(`[${event.index + 1}/${event.total}]`)} ${neutralize(event.entryId)}`);
        break;
      case 'stage': {
        const text = c.dim(`      ${event.stage}: ${neutralize(event.message)}`);
        if (this.interactive) {
          this.clearOpen();
          this.write(text);
          this.openLength = withoutOwnSgr(text).length;
        } else this.line(text);
        break;
      }
      case 'entry-done': {
        const e = event.entry;
        const detail =
          e.status === 'failed'
            ? c.red(`failed in ${e.error?.stage}`)
            : c.green(`p50 ${e.latency?.pooled.median.toFixed(3)} ms`);
        this.line(`      ${detail}`);
        break;
      }
    }
  }
}
