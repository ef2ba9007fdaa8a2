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

const CATEGORIES = new Set(['COMMAND CALL', 'CLEAN AFTER FORK']);
const TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const PID = /^\s*pid\s*:\s*(\d+)\s*$/i;

/** JavaScript's `\s`: ASCII whitespace quickly, the rest by the regex engine's own table. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(String.fromCharCode(c)));
}

/**
 * Scanned by index, without a regex or a slice per bracket: on a DEBUG-level log half the lines
 * are command calls and this runs for each (it was a third of the scan).
 */
export function parseLine(line: string): LogLine | null {
  const n = line.length;
  if (n < 22 || line.charCodeAt(0) !== 91 || line.charCodeAt(20) !== 93) return null; // [YYYY-MM-DD HH:MM:SS]
  const time = line.slice(1, 20);
  if (!TIME.test(time)) return null;
  let i = 21;
  while (i < n && isSpace(line.charCodeAt(i))) i++;
  const l0 = i;
  for (let c = line.charCodeAt(i) | 32; i < n && c >= 97 && c <= 122; c = line.charCodeAt(++i) | 32);
  if (i === l0) return null;
  const level = line.slice(l0, i).toUpperCase();
  while (i < n && isSpace(line.charCodeAt(i))) i++;
  if (line.charCodeAt(i) !== 58) return null; // :
  i++;
  while (i < n && isSpace(line.charCodeAt(i))) i++;
  const names: string[] = [];
  let category = '';
  // names, then the category
  for (let k = 0; k < 4; k++) {
    if (line.charCodeAt(i) !== 91) return null;
    const j = line.indexOf(']', i + 1);
    if (j < 0) return null;
    const v = line.slice(i + 1, j).trim();
    i = j + 1;
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    const up = v.toUpperCase();
    if (CATEGORIES.has(up)) { category = up; break; }
    names.push(v);
  }
  if (!category || names.length === 0) return null;
  let pid = '';
  let extra = '';
  if (line.charCodeAt(i) === 91) {
    const j = line.indexOf(']', i + 1);
    const p = j < 0 ? null : PID.exec(line.slice(i + 1, j));
    if (p) {
      pid = p[1];
      i = j + 1;
      while (i < n && isSpace(line.charCodeAt(i))) i++;
      if (line.charCodeAt(i) === 91) {
        const x = line.indexOf(']', i + 1);
        if (x >= 0) {
          extra = line.slice(i + 1, x).trim();
          i = x + 1;
          while (i < n && isSpace(line.charCodeAt(i))) i++;
        }
      }
    }
  }
  return { time, level, names, category, pid, extra, text: line.slice(i).trimEnd() };
}

/*
 * The messages are matched by hand, not by regexes with lazy `(.+?)` groups: on a long line of
 * repeated near-matches those backtrack quadratically (a 1 MiB line took 20 s), and a JavaScript
 * timer cannot interrupt a running regex. Each matcher below does a bounded number of passes over
 * the line (indexOf scans that never restart further back than they began), so the work is linear.
 * The semantics are the regexes' (case-insensitive text, the bracketed name ends at the first `]`
 * the expected words follow, a module name is the shortest one the expected ending follows).
 */

/**
 * ASCII letters lowercased, same length, so indexes in it are indexes in `s`. The native
 * toLowerCase for ASCII text (nearly always); otherwise only ASCII letters, since it would also
 * turn some non-ASCII letters into ASCII ones (the Kelvin sign into 'k') or change the length.
 */
function asciiLower(s: string): string {
  return NON_ASCII.test(s) ? s.replace(/[A-Z]+/g, (c) => c.toLowerCase()) : s.toLowerCase();
}
const NON_ASCII = /[^\x00-\x7f]/;

const isWord = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** `low` has `word` at `k` and, when `bounded`, no word character right after it (regex `\b`). */
function wordAt(low: string, k: number, word: string, bounded: boolean): boolean {
  return low.startsWith(word, k) && (!bounded || k + word.length >= low.length || !isWord(low.charCodeAt(k + word.length)));
}

/** At `i`: `[ name ]` followed by `follow`; the name ends at the first such `]` (and is not empty). */
function bracketed(t: string, low: string, i: number, follow: string, bounded = false): { name: string; end: number } | null {
  if (low.charCodeAt(i) !== 91) return null; // [
  let j = low.indexOf(`]${follow}`, i + 2);
  while (j >= 0 && !wordAt(low, j + 1, follow, bounded)) j = low.indexOf(`]${follow}`, j + 1);
  if (j < 0) return null;
  const name = t.slice(i + 1, j).trim();
  return { name: name === '' ? t.slice(i + 1, j) : name, end: j + 1 + follow.length };
}

/** The first of `endings` after `from` (a module name has at least one character), followed by a non-word character. */
function firstEnding(low: string, from: number, endings: string[]): number {
  let best = -1;
  for (const e of endings) {
    let k = low.indexOf(e, from + 1);
    while (k >= 0 && !wordAt(low, k, e, true)) k = low.indexOf(e, k + 1);
    if (k >= 0 && (best < 0 || k < best)) best = k;
  }
  return best;
}

type Match = { command: string; module?: string; seconds?: number };

/** `<prefix>[ name ]<follow>` then, with `endings`, a module name up to the first ending. */
function matchCall(t: string, low: string, prefix: string, follow: string, endings?: string[], bounded = false): Match | null {
  if (!low.startsWith(prefix)) return null;
  const b = bracketed(t, low, prefix.length, follow, bounded);
  if (!b) return null;
  if (!endings) return { command: b.name };
  const k = firstEnding(low, b.end, endings);
  return k < 0 ? null : { command: b.name, module: t.slice(b.end, k) };
}

/** `... was executed by the module M in 1.5 s`: M is the shortest name followed by ` in <number> s`. */
function matchExecuted(t: string, low: string): Match | null {
  const pre = 'the command call ';
  if (!low.startsWith(pre)) return null;
  const b = bracketed(t, low, pre.length, ' was executed by the module ');
  if (!b) return null;
  for (let k = low.indexOf(' in ', b.end + 1); k >= 0; k = low.indexOf(' in ', k + 1)) {
    let i = k + 4;
    const d0 = i;
    while (i < low.length && ((low.charCodeAt(i) >= 48 && low.charCodeAt(i) <= 57) || low.charCodeAt(i) === 46)) i++;
    if (i === d0) continue;
    const num = t.slice(d0, i);
    while (i < low.length && /\s/.test(low[i])) i++; // `\s*` before the unit
    if (low[i] !== 's' || (i + 1 < low.length && isWord(low.charCodeAt(i + 1)))) continue;
    return { command: b.name, module: t.slice(b.end, k), seconds: Number(num) };
  }
  return null;
}

/** The event a COMMAND CALL line reports, or null (debug "Executing ..." lines, traceback lines). */
export function commandEvent(l: LogLine): Event | null {
  const broker = l.names.length >= 2 ? l.names[0] : '';
  const modName = l.names[l.names.length - 1];
  const t = l.text;
  const low = asciiLower(t);
  const mod = (m: Match) => m.module?.trim() || modName;
  let m: Match | null;
  if ((m = matchCall(t, low, 'failed to send command call ', ' for module ', [' because of timeout']))) return { kind: 'timeouts_failed', command: m.command, module: mod(m), broker };
  if ((m = matchCall(t, low, 'failed to send command call ', ' for module ', [' because of error']))) return { kind: 'send_errors', command: m.command, module: mod(m), broker };
  if ((m = matchCall(t, low, 'the command call ', ' for module ', [' was sent but the call timed out', ' was sent, but the call timed out']))) return { kind: 'timeouts_retried', command: m.command, module: mod(m), broker };
  if ((m = matchCall(t, low, 'the command call ', ' was sent but another answer was received'))) return { kind: 'wrong_answers', command: m.command, module: modName, broker };
  if ((m = matchCall(t, low, 'received unknown command ', ' to execute'))) return { kind: 'unknown_commands', command: m.command, module: modName, broker };
  if ((m = matchCall(t, low, 'failed to execute received command ', ' with error', undefined, true))) return { kind: 'exec_errors', command: m.command, module: modName, broker };
  if ((m = matchExecuted(t, low))) return { kind: 'exec_time', command: m.command, module: mod(m), broker, seconds: m.seconds };
  return null;
}

/** Local broker time -> ms since epoch (the log has no zone; it is the broker host's time). */
export function logTimeMs(time: string): number {
  const [d, t] = time.split(' ');
  const [y, mo, da] = d.split('-').map(Number);
  const [h, mi, s] = t.split(':').map(Number);
  return new Date(y, mo - 1, da, h, mi, s).getTime();
}
