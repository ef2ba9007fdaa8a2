/**
 * Which lbmmon lines may be headers: every header holds ` received`, so a line without it is
 * none, and with no block open the lines up to the next that holds it are passed over (parse.ts).
 * In JavaScript, for a buffer without the block kernel (block-kernel.ts has the same searches).
 */
import { ascii, at } from '../lib/bytes.js';
import { dataView } from '../lib/views.js';
import type { BlockKernel } from './block-kernel.js';

const RECEIVED = ascii(' received');
const AT = ascii('at ');

/**
 * Where buf[from, end) first holds ` received`, or -1: its `v` looked for four bytes a step (the
 * "has zero byte" test on word ^ 0x76767676; a flagged word's bytes are then compared one by one).
 * Node's Buffer.indexOf took ~0.9 ns a byte for this needle, this ~0.3.
 */
const V4 = 0x76767676;
const V_AT = 6; // ' received'[6] === 'v'
function receivedAt(buf: Buffer, from: number, end: number): number {
  const last = end - (RECEIVED.length - V_AT); // the last place a needle's 'v' may stand
  let i = from + V_AT;
  if (i + 4 <= last) {
    const v = dataView(buf);
    for (; i + 4 <= last + 1; i += 4) {
      const x = v.getInt32(i, true) ^ V4;
      if (((x - 0x01010101) & ~x & 0x80808080) === 0) continue;
      for (let k = i; k < i + 4; k++) if (buf[k] === 118 && at(buf, k - V_AT, RECEIVED)) return k - V_AT;
    }
  }
  for (; i <= last; i++) if (buf[i] === 118 && at(buf, i - V_AT, RECEIVED)) return i - V_AT;
  return -1;
}

/**
 * Can the parser's other() (parse.ts) read the line buf[s, e) as anything but an unknown line: does it hold ` received`
 * (parseHeader finds no header without it) or begin as a wrapped header's rest (`at `)? Most
 * lines that do not are the protobuf text of the Store, DRO and SRS blocks a Java lbmmon prints
 * (38% of the lines of a real capture), which became a string each only to be found no header:
 * a third of that capture's scan (issue 44).
 */
export function mayBeHeader(buf: Buffer, s: number, e: number, k: BlockKernel | undefined): boolean {
  // the kernel's search returns the line's start when the line holds the needle (e when not)
  return at(buf, s, AT) || (k !== undefined ? k.received(s, e) === s : receivedAt(buf, s, e) >= 0);
}

/**
 * Where the first line of buf[from, end) that holds ` received` begins, or `end`: with no block
 * open (a line read as no header closed it), no line before it can change anything: a TAB line
 * belongs to no block, an empty one closes nothing, and a line without ` received` is no header
 * (mayBeHeader: an `at ` line continues a header only in an open block). A Java capture's Store,
 * DRO and SRS blocks, dozens of lines of protobuf text each, are passed over by one search
 * instead of a line at a time. The search stops at `end` (past it lie the last read's bytes), and
 * the way back to the line's start at `from` at the latest.
 */
export function nextMayBeHeader(buf: Buffer, from: number, end: number, k: BlockKernel | undefined): number {
  if (k !== undefined) return k.received(from, end); // the same search, 16 places a step
  const r = receivedAt(buf, from, end);
  if (r < 0) return end;
  let ls = r;
  while (ls > from && buf[ls - 1] !== 10) ls--; // a header's ' received' is a few dozen bytes in
  return ls;
}
