/** Combines this run's counts with the saved state: age, growth, and re-import detection. */
import { count, nullable, obj, optional, time, where, type Schema } from '../../lib/state/schema.js';

export interface DumpState {
  /** when the dump was first seen holding messages (ms), null when it was empty/absent */
  nonEmptySince: number | null;
  messages: number;
  seenAt: number;
  /** OpMon's live count at the previous run (--fetch), when it answered */
  queued?: number | null;
}

export const DUMP_STATE: Schema<DumpState> = where(obj<DumpState>({ nonEmptySince: nullable(time), messages: count, seenAt: time, queued: optional(nullable(count)) }),
  (s) => (s.nonEmptySince !== null && s.nonEmptySince > s.seenAt ? 'nonEmptySince is after seenAt' : null));

export interface History {
  ageSeconds: number;
  since: number | null;
  growth: number | null;
  reimported: number | null; // messages that disappeared since the last run (dump emptied)
  next: DumpState;
}

export function combine(prev: DumpState | undefined, messages: number, mtimeMs: number | undefined, now: number): History {
  let since: number | null = null;
  now = Math.round(now);
  if (messages > 0) {
    // times saved after now: the clock went back; they are taken as now at the latest
    if (prev?.nonEmptySince != null && prev.messages > 0) since = Math.min(now, prev.nonEmptySince);
    else if (prev) since = Math.min(now, Math.max(prev.seenAt, mtimeMs ?? now)); // filled since the last run
    else since = Math.min(now, Math.round(mtimeMs ?? now)); // first run: the file's mtime is the best guess
  }
  const growth = prev ? messages - prev.messages : null;
  const reimported = prev && prev.messages > 0 && messages === 0 ? prev.messages : null;
  return {
    ageSeconds: since === null ? 0 : Math.max(0, Math.round((now - since) / 1000)),
    since,
    growth,
    reimported,
    // an unchanged dump keeps the previous seenAt, so that an unchanged state is not rewritten
    // (a dump that fills later is dated by its mtime, which is after that run anyway)
    next: { nonEmptySince: since === null ? null : Math.round(since), messages, seenAt: prev && prev.messages === messages && prev.seenAt <= now ? prev.seenAt : now },
  };
}
