/**
 * Whether a log is a Shinken broker log at all. A quiet broker log and a wrong `-f` (syslog, a
 * binary, a dump) both hold no command-call line, so without this a typo would read as "no
 * failures" forever. Every line a broker writes starts with `[YYYY-MM-DD HH:MM:SS]`; only the
 * continuation lines of a multi-line message do not. So the end of the file is looked at: if it
 * holds lines and none of them is stamped, or no line ends in a long stretch of it, the file is
 * not a broker log.
 */
import { statSync } from 'node:fs';
import { readAt } from '../../lib/files.js';
import { stampAt } from './line-bytes.js';

/** how much of the file's end is looked at */
export const LOOK_BACK = 64 * 1024;
/** this much without a line end is no log line (the check's lines are cut at --max-line, but a broker writes none that long) */
const NO_LINE = 4096;

/**
 * What the bytes at the end of a file say (buf: its last bytes; `whole`: buf starts at the file's
 * start). Null when they look like a broker log or say nothing (an empty file, one partial line).
 */
export function notBrokerTail(buf: Buffer, whole: boolean): string | null {
  let p = 0;
  if (!whole) { // the first line is cut: skip it
    const nl = buf.indexOf(10);
    if (nl < 0) return buf.length >= NO_LINE ? `no line ends in its last ${Math.round(buf.length / 1024)} KiB` : null;
    p = nl + 1;
  }
  let lines = 0;
  for (;;) {
    const nl = buf.indexOf(10, p);
    if (nl < 0) break;
    if (stampAt(buf, p, nl)) return null;
    lines++;
    p = nl + 1;
  }
  if (lines > 0) return `none of the ${lines} line${lines === 1 ? '' : 's'} at its end starts with [YYYY-MM-DD HH:MM:SS]`;
  return buf.length - p >= NO_LINE ? `no line ends in its last ${Math.round((buf.length - p) / 1024)} KiB` : null;
}

/** how far back the look goes when the end is one long line (a DEBUG "Executing command" cut by the writer) */
const LOOK_BACK_MAX = 16 << 20;

/**
 * Why the log at `path` is not a broker log, or null (also when it cannot be read now: the tail
 * has said why). Judged on lines: when the end is one long line, the look goes further back (up
 * to 16 MiB) until it finds whole lines to judge.
 */
export function notBrokerLog(path: string): string | null {
  try {
    const st = statSync(path);
    if (!st.isFile()) return null;
    let why: string | null = null;
    for (let look = LOOK_BACK; ; look *= 4) {
      const len = Math.min(st.size, look);
      why = notBrokerTail(readAt(path, len, st.size - len), len === st.size);
      if (why === null || !why.startsWith('no line ends') || len === st.size || look >= LOOK_BACK_MAX) return why;
    }
  } catch {
    return null;
  }
}
