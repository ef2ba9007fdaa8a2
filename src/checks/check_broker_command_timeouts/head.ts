/**
 * The head of a broker log's line read from bytes, as the general parser reads it (parse.ts
 * parseLine): its level, its names and the category after them.
 */
import { ascii, at } from '../../lib/bytes.js';
import { nameEnd, sameCase, sp } from './line-bytes.js';

const COMMAND_CALL = ascii('COMMAND CALL');
const CLEAN_AFTER_FORK = ascii('CLEAN AFTER FORK');

/** what readHead() found besides where it stopped (the names' ranges are in `ranges`) */
export const HEAD = { nr: 0, quiet: false, stop: 0 };

/** readHead(): the line has no category, and the general parser reads no command-call line there */
export const NO_CATEGORY = -2;

/**
 * `LEVEL : [ name ]... [ COMMAND CALL ]` from i (just after the stamp): where it ends, spaces after
 * it skipped, or -1 when the line is not of the usual shape, or NO_CATEGORY when its brackets end
 * (or four names pass) before a category, where the general parser gives up too (HEAD.stop: where).
 * `le` bounds the reading; the line's end (LF) stops it too.
 */
export function readHead(buf: Buffer, i: number, le: number, ranges: Int32Array): number {
  while (i < le && sp(buf[i])) i++;
  const l0 = i;
  while (i < le && ((buf[i] | 32) >= 97 && (buf[i] | 32) <= 122)) i++;
  if (i === l0) return -1;
  // DEBUG or INFO: an "Executing command" line there is chatter; at ERROR it may be a
  // continuation (a traceback's line), which only the general parser reads
  const lv = buf[l0] | 32;
  HEAD.quiet = lv === 100 || lv === 105;
  while (i < le && sp(buf[i])) i++;
  if (buf[i] !== 58) return -1;
  i++;
  while (i < le && sp(buf[i])) i++;
  // names, then [ COMMAND CALL ]
  let nr = 0;
  let found = false;
  for (let k = 0; k < 4 && !found; k++) {
    if (buf[i] !== 91) {
      // the general parser skips any space (a CR, a vertical tab, a Unicode space) before a
      // bracket: only a LF or another printable byte ends the names for both
      const c = buf[i];
      if (i < le && (c === 10 || (c > 32 && c < 127))) { HEAD.stop = i; return NO_CATEGORY; }
      return -1;
    }
    const j = nameEnd(buf, i + 1, le);
    if (j < 0) return -1;
    let a = i + 1;
    let b = j;
    while (a < b && sp(buf[a])) a++;
    while (b > a && sp(buf[b - 1])) b--;
    if (b - a === COMMAND_CALL.length && at(buf, a, COMMAND_CALL)) found = true;
    else if (sameCase(buf, a, b, COMMAND_CALL) || sameCase(buf, a, b, CLEAN_AFTER_FORK)) return -1; // a category in another case, or the fork one
    else { ranges[nr++] = a; ranges[nr++] = b; }
    i = j + 1;
    while (i < le && sp(buf[i])) i++;
  }
  // four names and no category, or the category first, before any name: no command-call line
  if (!found || nr === 0) { HEAD.stop = i; return NO_CATEGORY; }
  HEAD.nr = nr;
  return i;
}
