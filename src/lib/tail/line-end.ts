/**
 * The next LF, four bytes at a time. Line readers called the native Buffer.indexOf once per line,
 * and on short lines (lbmmon's ~60 bytes) the call cost more than the search; a byte loop is
 * cheaper than the call but still a step per byte. Here whole 32-bit words are tested for a LF
 * byte at once (the "has zero byte" test on word ^ 0x0a0a0a0a), so a line takes a quarter of the
 * steps (issue 32, BENCHMARKS.md).
 */

import { alignedWords } from '../views.js';

const LF4 = 0x0a0a0a0a;

/** The index of the first LF in buf[pos, end), or `end` when there is none. */
export function lineEnd(buf: Uint8Array, pos: number, end: number): number {
  let i = pos;
  // bytes up to a word boundary of the underlying ArrayBuffer
  const base = buf.byteOffset;
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
      if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
    }
    i = (k << 2) - base;
  }
  while (i < end && buf[i] !== 10) i++;
  return i;
}
