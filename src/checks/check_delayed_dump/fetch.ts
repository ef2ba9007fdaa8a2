/**
 * --fetch: the live count. Note where opmon.log ends, send _OPDB_FETCH_DELAYED through the
 * command pipe (same FIFO safety as --request-dump), then read only what OpMon appends after that
 * point, with the rotation-safe tail reader (the log may rotate meanwhile), until a line answers
 * or the wait ends. Nothing here can block: the pipe is opened non-blocking, the log is polled.
 */
import { waitedText, waitState, waitWithin } from '../../lib/budget.js';
import type { TimeoutSpec } from '../../lib/cli.js';
import { PluginError } from '../../lib/errors.js';
import type { Finding } from '../../lib/plugin.js';
import { State } from '../../lib/status.js';
import type { FilePosition } from '../../lib/tail/identity.js';
import { tailFile } from '../../lib/tail/tail.js';
import { answerCount } from './answer.js';
import { sendCommand } from './request.js';

export interface FetchOptions {
  commandFile: string;
  opmonLog: string;
  waitMs: number;
  pattern: RegExp;
  deadline: number;
  timeout: TimeoutSpec;
}

export interface Fetched {
  /** messages waiting in OpMon's memory, or null when no answer came */
  queued: number | null;
  problem?: Finding;
  /** the answer line, or the last lines seen while waiting (for the long output) */
  lines: string[];
}

const POLL_MS = 100;
const KEEP = 10;

export async function fetchQueued(o: FetchOptions, setPhase: (t: string) => void): Promise<Fetched> {
  const seen: string[] = [];
  let found: { count: number; line: string } | null = null;
  const sink = {
    lines: (b: Buffer, s: number, e: number) => {
      for (const line of b.toString('utf8', s, e - 1).split('\n')) {
        if (found) return;
        const text = line.endsWith('\r') ? line.slice(0, -1) : line;
        const n = answerCount(text, o.pattern);
        if (n !== null) found = { count: n, line: text };
        else { seen.push(text.length > 300 ? `${text.slice(0, 300)}...` : text); if (seen.length > KEEP) seen.shift(); }
      }
    },
  };
  const read = async (pos: FilePosition | undefined, from: 'end' | 'start') => {
    try {
      return await tailFile(o.opmonLog, pos, sink, { firstRun: from, deadline: o.deadline, maxLine: 64 * 1024 });
    } catch (e) {
      throw new PluginError(`--opmon-log: ${e instanceof PluginError ? e.message : String(e)}`);
    }
  };

  setPhase(`noting where ${o.opmonLog} ends`);
  const before = await read(undefined, 'end');
  // a log that does not exist yet is new in full when OpMon creates it
  let pos = before.position;
  setPhase(`sending _OPDB_FETCH_DELAYED to ${o.commandFile}`);
  const sent = sendCommand(o.commandFile, '_OPDB_FETCH_DELAYED', Date.now());
  if (!sent.sent) return { queued: null, problem: sent.problem, lines: [] };

  setPhase(`waiting for OpMon's answer in ${o.opmonLog}`);
  const wait = waitWithin(o.waitMs, o.deadline, 300);
  const until = wait.until;
  for (;;) {
    const r = await read(pos, 'start');
    if (r.position) pos = r.position;
    if (found) return { queued: (found as { count: number }).count, lines: [(found as { line: string }).line] };
    if (Date.now() + POLL_MS > until) break;
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
  const secs = Math.round(o.waitMs / 100) / 10;
  return {
    queued: null,
    lines: seen,
    problem: {
      state: waitState(wait, o.timeout, State.UNKNOWN),
      text: `OpMon did not answer _OPDB_FETCH_DELAYED ${waitedText(wait, '--fetch-wait', secs, o.timeout)}${wait.cut ? '' : ' (is it running? is --opmon-log right? does --fetch-pattern match its answer?)'}`,
    },
  };
}
