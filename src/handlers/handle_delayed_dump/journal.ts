/** The handler's action log: appended, timestamped, never truncated, no symlink following. */
import { closeSync, constants, existsSync, openSync, writeSync } from 'node:fs';
import { errnoText } from '../../lib/errors.js';
import { adoptOwner, ownerOf } from '../../lib/files.js';

export class Journal {
  readonly lines: string[] = [];
  /** why the log file could not be written, once it could not */
  problem: string | null = null;

  constructor(private path: string | null, readonly dryRun: boolean, private readonly owner: { uid: number; gid: number } | null = null) {}

  log(text: string): void {
    const line = `${new Date().toISOString()} handle_delayed_dump[${process.pid}]${this.dryRun ? ' (dry run)' : ''} ${text}`;
    this.lines.push(line);
    if (!this.path) return;
    try {
      const created = !existsSync(this.path);
      const fd = openSync(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
      if (created && this.owner) adoptOwner(this.path, this.owner);
      try { writeSync(fd, line.replace(/\n/g, '\n    ') + '\n'); } finally { closeSync(fd); }
    } catch (e) {
      // the summary line still reaches the scheduler's log, and says this
      const why = errnoText(e);
      this.problem = `cannot write the action log ${this.path}: ${why}${/permission/.test(why) ? ` (owned by ${ownerOf(this.path)})` : ''}`;
      this.path = null;
    }
  }
}
