/**
 * The next LF, four bytes at a time. Line readers called the native Buffer.indexOf once per line,
 * and on short lines (lbmmon's ~60 bytes) the call cost more than the search; a byte loop is
 * cheaper than the call but still a step per byte. Here whole 32-bit words are tested for a LF
 * byte at once (the "has zero byte" test on word ^ 0x0a0a0a0a), so a line takes a quarter of the
 * steps (issue 32, BENCHMARKS.md).
 */

const LF4 = 0x0a0a0a0a;

let viewOf: Uint8Array | null = null;
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);

/**
 * The buffer's bytes as words aligned on its ArrayBuffer: one view kept, for the last buffer
 * seen (a reader reuses one; compared by identity, as `.buffer` is a slow getter).
 */
function wordsOf(buf: Uint8Array): Int32Array<ArrayBufferLike> {
  if (buf !== viewOf) {
    viewOf = buf;
    words = new Int32Array(buf.buffer, 0, buf.buffer.byteLength >> 2);
  }
  return words;
}

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
    const w = wordsOf(buf);
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
