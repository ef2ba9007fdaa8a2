/**
 * Pure parsing of Shinken (Enterprise) broker log lines:
 *   [YYYY-MM-DD HH:MM:SS] LEVEL : [ broker ] [ module ] [ COMMAND CALL ] [ PID:n ] [ thread ] text
 *   [YYYY-MM-DD HH:MM:SS] LEVEL : [ module ] [ CLEAN AFTER FORK ] [ pid:n ] [ module2 ] text
 * Spacing varies (`INFO:`, `INFO   :`, `[ pid:3736]`, padded names), so brackets are split
 * tolerantly and names are trimmed.
 */

export type Kind =
  | 'timeouts_retried' | 'timeouts_failed' | 'wrong_answers' | 'send_errors'
  | 'unknown_commands' | 'exec_errors' | 'fork_cleanup_errors';

export const KINDS: Kind[] = [
  'timeouts_failed', 'send_errors', 'exec_errors', 'timeouts_retried', 'wrong_answers', 'unknown_commands', 'fork_cleanup_errors',
];

export interface LogLine {
  time: string; // as written, local time of the broker host
  level: string;
  names: string[]; // bracketed names before the category: [broker, module] or [module]
  category: string;
  pid: string;
  extra: string; // thread (COMMAND CALL) or sub-module (CLEAN AFTER FORK)
  text: string;
}

export interface Event {
  kind: Kind | 'exec_time';
  command: string;
  module: string;
  broker: string;
  seconds?: number; // exec_time
}

const HEAD = /^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\]\s*([A-Za-z]+)\s*:\s*/;
const CATEGORIES = new Set(['COMMAND CALL', 'CLEAN AFTER FORK']);

export function parseLine(line: string): LogLine | null {
  const h = HEAD.exec(line);
  if (!h) return null;
  let rest = line.slice(h[0].length);
  const names: string[] = [];
  let category = '';
  // names, then the category
  for (let i = 0; i < 4; i++) {
    const m = /^\[([^\]]*)\]\s*/.exec(rest);
    if (!m) return null;
    rest = rest.slice(m[0].length);
    const v = m[1].trim();
    if (CATEGORIES.has(v.toUpperCase())) { category = v.toUpperCase(); break; }
    names.push(v);
  }
  if (!category || names.length === 0) return null;
  let pid = '';
  let extra = '';
  const p = /^\[\s*pid\s*:\s*(\d+)\s*\]\s*/i.exec(rest);
  if (p) {
    pid = p[1];
    rest = rest.slice(p[0].length);
    const x = /^\[([^\]]*)\]\s*/.exec(rest);
    if (x) { extra = x[1].trim(); rest = rest.slice(x[0].length); }
  }
  return { time: h[1], level: h[2].toUpperCase(), names, category, pid, extra, text: rest.trimEnd() };
}

const NAME = String.raw`\[\s*(.+?)\s*\]`;
const RX = {
  retried: new RegExp(String.raw`^The command call ${NAME} for module (.+?) was sent,? but the call timed out\b`, 'i'),
  wrong: new RegExp(String.raw`^The command call ${NAME} was sent but another answer was received`, 'i'),
  failedTimeout: new RegExp(String.raw`^Failed to send command call ${NAME} for module (.+?) because of timeout\b`, 'i'),
  failedError: new RegExp(String.raw`^Failed to send command call ${NAME} for module (.+?) because of error\b`, 'i'),
  unknown: new RegExp(String.raw`^Received unknown command ${NAME} to execute`, 'i'),
  execError: new RegExp(String.raw`^Failed to execute received command ${NAME} with error\b`, 'i'),
  executed: new RegExp(String.raw`^The command call ${NAME} was executed by the module (.+?) in ([0-9.]+)\s*s\b`, 'i'),
};

/** The event a COMMAND CALL line reports, or null (debug "Executing ..." lines, traceback lines). */
export function commandEvent(l: LogLine): Event | null {
  const broker = l.names.length >= 2 ? l.names[0] : '';
  const modName = l.names[l.names.length - 1];
  const t = l.text;
  let m: RegExpExecArray | null;
  if ((m = RX.failedTimeout.exec(t))) return { kind: 'timeouts_failed', command: m[1], module: m[2].trim() || modName, broker };
  if ((m = RX.failedError.exec(t))) return { kind: 'send_errors', command: m[1], module: m[2].trim() || modName, broker };
  if ((m = RX.retried.exec(t))) return { kind: 'timeouts_retried', command: m[1], module: m[2].trim() || modName, broker };
  if ((m = RX.wrong.exec(t))) return { kind: 'wrong_answers', command: m[1], module: modName, broker };
  if ((m = RX.unknown.exec(t))) return { kind: 'unknown_commands', command: m[1], module: modName, broker };
  if ((m = RX.execError.exec(t))) return { kind: 'exec_errors', command: m[1], module: modName, broker };
  if ((m = RX.executed.exec(t))) return { kind: 'exec_time', command: m[1], module: m[2].trim() || modName, broker, seconds: Number(m[3]) };
  return null;
}

/** Local broker time -> ms since epoch (the log has no zone; it is the broker host's time). */
export function logTimeMs(time: string): number {
  const [d, t] = time.split(' ');
  const [y, mo, da] = d.split('-').map(Number);
  const [h, mi, s] = t.split(':').map(Number);
  return new Date(y, mo - 1, da, h, mi, s).getTime();
}
