/** The handler's action log: appended, timestamped, never truncated, no symlink following. */
import { closeSync, constants, openSync, writeSync } from 'node:fs';

export class Journal {
  readonly lines: string[] = [];
  constructor(private path: string | null, readonly dryRun: boolean) {}

  log(text: string): void {
    const line = `${new Date().toISOString()} handle_delayed_dump[${process.pid}]${this.dryRun ? ' (dry run)' : ''} ${text}`;
    this.lines.push(line);
    if (!this.path) return;
    try {
      const fd = openSync(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
      try { writeSync(fd, line.replace(/\n/g, '\n    ') + '\n'); } finally { closeSync(fd); }
    } catch {
      this.path = null; // the summary line still reaches the scheduler's log
    }
  }
}
