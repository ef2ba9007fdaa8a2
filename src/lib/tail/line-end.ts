/**
 * The next LF in a line reader's buffer, 16 bytes a step. JavaScript can test at most a 32-bit
 * word a step (~0.45 ns a byte), and a native Buffer.indexOf costs ~50 ns a call, more than the
 * search on a dump's or an lbmmon log's short lines. So a reader's buffer lives in WebAssembly
 * memory (lineBuffer()), and a 130-byte kernel searches it with SIMD; a call from optimised
 * JavaScript costs a few ns (issue 32, BENCHMARKS.md). Any other buffer is searched a word a
 * time in JavaScript.
 *
 * The kernel, in WebAssembly text (memory imported as m.m; lf(p, end) returns the first LF in
 * [p, end), or end):
 *
 *   (func (export "lf") (param $p i32) (param $end i32) (result i32) (local $m i32)
 *     (block $wide (loop $step                                 ;; 16 bytes at a time
 *       (br_if $wide (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
 *       (local.tee $m (i8x16.bitmask (i8x16.eq (v128.load align=1 (local.get $p)) (v128.const i8x16 10 ...))))
 *       (if (then (return (i32.add (local.get $p) (i32.ctz (local.get $m))))))
 *       (local.set $p (i32.add (local.get $p) (i32.const 16))) (br $step)))
 *     (block $done (loop $byte                                 ;; the last 0-15 bytes
 *       (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
 *       (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 10)) (then (return (local.get $p))))
 *       (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $byte)))
 *     (local.get $end))
 */

import { alignedWords, dataView } from '../views.js';

const LF16 = new Array<number>(16).fill(0x0a);
const CODE = [
  0x01, 0x01, 0x7f, // one local, i32
  0x02, 0x40, 0x03, 0x40,
  0x20, 0x00, 0x41, 0x10, 0x6a, 0x20, 0x01, 0x4b, 0x0d, 0x01,
  0x20, 0x00, 0xfd, 0x00, 0x00, 0x00, 0xfd, 0x0c, ...LF16, 0xfd, 0x23, 0xfd, 0x64, 0x22, 0x02,
  0x04, 0x40, 0x20, 0x00, 0x20, 0x02, 0x68, 0x6a, 0x0f, 0x0b,
  0x20, 0x00, 0x41, 0x10, 0x6a, 0x21, 0x00, 0x0c, 0x00,
  0x0b, 0x0b,
  0x02, 0x40, 0x03, 0x40,
  0x20, 0x00, 0x20, 0x01, 0x4f, 0x0d, 0x01,
  0x20, 0x00, 0x2d, 0x00, 0x00, 0x41, 0x0a, 0x46, 0x04, 0x40, 0x20, 0x00, 0x0f, 0x0b,
  0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00, 0x0c, 0x00,
  0x0b, 0x0b,
  0x20, 0x01, 0x0b,
];
const section = (id: number, bytes: number[]) => [id, bytes.length, ...bytes]; // every section is under 128 bytes
const KERNEL = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f]), // type (i32, i32) -> i32
  ...section(2, [0x01, 0x01, 0x6d, 0x01, 0x6d, 0x02, 0x00, 0x01]), // import memory m.m, at least 1 page
  ...section(3, [0x01, 0x00]),
  ...section(7, [0x01, 0x02, 0x6c, 0x66, 0x00, 0x00]), // export "lf"
  ...section(10, [0x01, CODE.length, ...CODE]),
]);

type Search = (p: number, end: number) => number;

let kernel: WebAssembly.Module | null | undefined;
const searches = new WeakMap<Uint8Array, Search>();
let lastBuf: Uint8Array | null = null;
let lastSearch: Search | undefined;

/**
 * A buffer of `size` bytes for a line reader, in WebAssembly memory with the kernel bound to it;
 * a plain Buffer (searched a word a time) if WebAssembly cannot be used.
 */
export function lineBuffer(size: number): Buffer {
  if (kernel !== null) {
    try {
      kernel ??= new WebAssembly.Module(KERNEL);
      const memory = new WebAssembly.Memory({ initial: Math.ceil(size / 65536) });
      const search = new WebAssembly.Instance(kernel, { m: { m: memory } }).exports.lf as Search;
      const buf = Buffer.from(memory.buffer, 0, size);
      searches.set(buf, search);
      return buf;
    } catch {
      kernel = null; // not here (or not that large): plain buffers from now on
    }
  }
  return Buffer.allocUnsafe(size);
}

/** The index of the first LF in buf[pos, end), or `end` when there is none. */
export function lineEnd(buf: Uint8Array, pos: number, end: number): number {
  if (buf !== lastBuf) { // a reader reuses one buffer: looked up when it changes
    lastBuf = buf;
    lastSearch = searches.get(buf);
  }
  if (lastSearch !== undefined) return lastSearch(pos, end); // a lineBuffer starts at offset 0 of its memory
  return wordsEnd(buf, pos, end);
}

/**
 * The same in any other buffer, four bytes at a time: whole 32-bit words are tested for a LF
 * byte at once (the "has zero byte" test on word ^ 0x0a0a0a0a), a quarter of a byte loop's steps.
 */
const LF4 = 0x0a0a0a0a;
function wordsEnd(buf: Uint8Array, pos: number, end: number): number {
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
