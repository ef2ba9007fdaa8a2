/** What every log-reading check says about a read: the reader's notes, lines cut, being behind. */
/** What reporting needs of the run: where notes and debug lines go (the runner's context is one). */
export interface Reporter {
  note(text: string): void;
  debug(level: number, text: string): void;
}
import { formatBytes } from '../units.js';
import type { TailResult } from './tail.js';

export function noteTail(ctx: Reporter, file: string, r: TailResult): void {
  for (const n of r.notes) ctx.note(n);
  if (r.cutLines) ctx.note(`${r.cutLines} over-long lines cut in ${file}`);
  if (r.behind) ctx.note(`${file}: stopped at the deadline with ${formatBytes(r.bytesLeft)} left; the next run continues from there`);
  ctx.debug(1, `${file}: ${r.status}, read ${formatBytes(r.bytesRead)} from ${r.sources.join(', ') || 'nothing'}`);
}
