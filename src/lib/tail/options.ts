/**
 * Options every log-reading check shares (the broker log, lbmmon logs, OpMon's log for --fetch):
 * where rotated logs go, what a run that could not read everything is worth, and whether a log
 * nobody writes is a problem. One vocabulary: the same names, grammar and wording everywhere.
 */
import { coerce, type OptionSpecs } from '../cli.js';
import type { Finding } from '../plugin.js';
import { State } from '../status.js';
import { formatDuration } from '../units.js';
import type { TailResult } from './tail.js';

export interface LogReadOptions {
  rotatedDir: string[];
  lostLines: State;
  fromStart: boolean;
}

export const LOG_READ_OPTIONS: OptionSpecs = {
  'rotated-dir': {
    type: 'string', array: true, default: [], requiresArg: true, coerce: coerce.list(),
    describe: "Where rotated logs also go (logrotate's olddir); searched like the log's own directory for .1, .1.gz, -DATE; repeatable",
  },
  'lost-lines': {
    type: 'string', default: 'WARNING', requiresArg: true, coerce: coerce.state(),
    describe: 'State when lines may have been lost: the log was rotated or shrank and the old file was not found (never OK unless asked)',
  },
};

/** The finding for a read that knows bytes existed which it could not read. */
export function lostFinding(r: TailResult, state: State): Finding | null {
  return r.lost ? { state, text: r.lost } : null;
}

/** The finding for a log not written for longer than `staleSeconds` (0: never stale). */
export function staleLogFinding(file: string, mtimeMs: number | null, staleSeconds: number, now: number, who: string): Finding | null {
  if (mtimeMs === null || staleSeconds <= 0 || now - mtimeMs <= staleSeconds * 1000) return null;
  return { state: State.WARNING, text: `${file} not written for ${formatDuration((now - mtimeMs) / 1000)}: is ${who} running?` };
}
