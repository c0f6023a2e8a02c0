import type { Entry } from '../results/schema.js';

/** What a run reports while it works; the CLI renders it, tests collect it. */
export type RunEvent =
  | { type: 'environment'; description: string }
  | { type: 'entry-start'; entryId: string; index: number; total: number }
  | { type: 'stage'; entryId: string; stage: string; message: string }
  | { type: 'entry-done'; entry: Entry; index: number; total: number };

export interface RunObserver {
  onEvent(event: RunEvent): void;
}

export const nullObserver: RunObserver = { onEvent: () => {} };

export class RecordingObserver implements RunObserver {
  readonly events: RunEvent[] = [];
  onEvent(event: RunEvent): void {
    this.events.push(event);
  }
}
