/**
 * Options every log-reading check shares (the broker log, lbmmon logs, OpMon's log for --fetch):
 * where rotated logs go, what a run that could not read everything is worth, and whether a log
 * nobody writes is a problem. One vocabulary: the same names, grammar and wording everywhere.
 */
import { coerce, type OptionSpecs, type OptionsOf } from '../cli.js';
import { State } from '../status.js';
import { formatDuration } from '../units.js';
import type { TailResult } from './tail.js';

export const LOG_READ_OPTIONS = {
  'rotated-dir': {
    type: 'string', array: true, default: [], requiresArg: true, coerce: coerce.list(),
    describe: "Where rotated logs also go (logrotate's olddir); searched like the log's own directory for .1, .1.gz, -DATE; repeatable",
  },
  'lost-lines': {
    type: 'string', default: 'WARNING', requiresArg: true, coerce: coerce.state(),
    describe: 'State when lines may have been lost: the log was rotated or shrank and the old file was not found (never OK unless asked)',
  },
} as const satisfies OptionSpecs;

export type LogReadOptions = OptionsOf<typeof LOG_READ_OPTIONS>;

/** A finding as the runner takes it (check.ts's Finding), declared here so that lib/tail needs nothing above it. */
export interface Finding {
  state: State;
  text: string;
}

/** The finding for a read that knows bytes existed which it could not read. */
export function lostFinding(r: TailResult, state: State): Finding | null {
  return r.lost ? { state, text: r.lost } : null;
}

/** The finding for a log not written for longer than `staleSeconds` (0: never stale). */
export function staleLogFinding(file: string, mtimeMs: number | null, staleSeconds: number, now: number, who: string): Finding | null {
  if (mtimeMs === null || staleSeconds <= 0 || now - mtimeMs <= staleSeconds * 1000) return null;
  return { state: State.WARNING, text: `${file} not written for ${formatDuration((now - mtimeMs) / 1000)}: is ${who} running?` };
}
