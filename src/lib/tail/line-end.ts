/**
 * The next LF, four bytes at a time. Line readers called the native Buffer.indexOf once per line,
 * and on short lines (lbmmon's ~60 bytes) the call cost more than the search; a byte loop is
 * cheaper than the call but still a step per byte. Here whole 32-bit words are tested for a LF
 * byte at once (the "has zero byte" test on word ^ 0x0a0a0a0a), so a line takes a quarter of the
 * steps (issue 32, BENCHMARKS.md).
 */

import { alignedWords, dataView } from '../views.js';

const LF4 = 0x0a0a0a0a;

/** The index of the first LF in buf[pos, end), or `end` when there is none. */
export function lineEnd(buf: Uint8Array, pos: number, end: number): number {
  let i = pos;
  const base = buf.byteOffset;
  if (end - i >= 8) {
    // the first four bytes as one unaligned word, then on from the next word boundary
    const x = dataView(buf).getInt32(i, true) ^ LF4;
    const m = (x - 0x01010101) & ~x & 0x80808080;
    if (m !== 0) return i + ((31 - Math.clz32(m & -m)) >> 3);
    i = ((base + i + 4) & ~3) - base;
  }
  // bytes up to a word boundary of the underlying ArrayBuffer
  while (i < end && ((base + i) & 3) !== 0) {
    if (buf[i] === 10) return i;
    i++;
  }
  if (end - i >= 4) {
    const w = alignedWords(buf);
    let k = (base + i) >> 2;
    const last = (base + end) >> 2; // words wholly before `end`
    for (; k < last; k++) {
      const x = w[k] ^ LF4;
      const m = (x - 0x01010101) & ~x & 0x80808080;
      // the lowest flagged byte is the first LF (a borrow flags only bytes above a true one)
      if (m !== 0) return (k << 2) - base + ((31 - Math.clz32(m & -m)) >> 3);
    }
    i = (k << 2) - base;
  }
  while (i < end && buf[i] !== 10) i++;
  return i;
}
