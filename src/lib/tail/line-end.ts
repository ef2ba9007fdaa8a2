/**
 * The next LF in a line reader's buffer, 16 bytes a step. JavaScript can test at most a 32-bit
 * word a step (~0.45 ns a byte), and a native Buffer.indexOf costs ~50 ns a call, more than the
 * search on a dump's or an lbmmon log's short lines. So a reader's buffer lives in WebAssembly
 * memory (lineBuffer()), and a small kernel searches it with SIMD; a call from optimised
 * JavaScript costs a few ns (issue 32, BENCHMARKS.md). Any other buffer is searched a word a
 * time in JavaScript.
 *
 * The kernel's second function, needle(p, end, a, b, d), finds the first place where byte a is
 * followed d bytes later by byte b, and the byte after b is a space, a TAB or ']' (a bracketed
 * category ends there): a needle's first and last bytes and its category's end, compared 16 places
 * a step. Its speed does not depend on how often either byte occurs alone (a one-byte memchr for a
 * needle's rarest byte stops at every line of a log whose lines all hold that byte: issue 44), and
 * categories which only begin like a needle ([ COMMAND CALLS ], [ CLEAN AFTER FORKS ]) are
 * rejected there too; only places holding all three are verified.
 *
 * The kernel, in WebAssembly text (memory imported as m.m), assembled with wabt's wat2wasm 1.0.32
 * into the bytes below (450 bytes):
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
 *   ;; the first i in [p, end - d - 1) with mem[i] = a, mem[i + d] = b and mem[i + d + 1] 32, 9 or 93; or end
 *   (func (export "needle") (param $p i32) (param $end i32) (param $a i32) (param $b i32) (param $d i32) (result i32)
 *     (local $m i32) (local $va v128) (local $vb v128) (local $last i32) (local $c i32)
 *     (local.set $va (i8x16.splat (local.get $a))) (local.set $vb (i8x16.splat (local.get $b)))
 *     (local.set $last (i32.sub (local.get $end) (i32.add (local.get $d) (i32.const 1))))
 *     (block $wide (loop $step
 *       (br_if $wide (i32.gt_s (i32.add (local.get $p) (i32.const 16)) (local.get $last)))
 *       (local.tee $m (i8x16.bitmask (v128.and (v128.and
 *         (i8x16.eq (v128.load align=1 (local.get $p)) (local.get $va))
 *         (i8x16.eq (v128.load align=1 (i32.add (local.get $p) (local.get $d))) (local.get $vb)))
 *         (v128.or (v128.or (i8x16.eq $next (v128.const i8x16 32 ...)) (i8x16.eq $next (v128.const i8x16 9 ...)))
 *                  (i8x16.eq $next (v128.const i8x16 93 ...))))))   ;; $next: v128.load align=1 at p + d + 1
 *       (if (then (return (i32.add (local.get $p) (i32.ctz (local.get $m))))))
 *       (local.set $p (i32.add (local.get $p) (i32.const 16))) (br $step)))
 *     (block $done (loop $byte
 *       (br_if $done (i32.ge_s (local.get $p) (local.get $last)))
 *       (local.set $c (i32.load8_u (i32.add (i32.add (local.get $p) (local.get $d)) (i32.const 1))))
 *       (if (i32.and (i32.and (i32.eq (i32.load8_u (local.get $p)) (local.get $a))
 *                             (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $d))) (local.get $b)))
 *                    (i32.or (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
 *                            (i32.eq (local.get $c) (i32.const 93))))
 *         (then (return (local.get $p))))
 *       (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $byte)))
 *     (local.get $end))
 */

import { alignedWords, dataView } from '../views.js';

const KERNEL = Uint8Array.from(Buffer.from('AGFzbQEAAAABEAJgAn9/AX9gBX9/f39/AX8CCAEBbQFtAgABAwMCAAEHDwICbGYAAAZuZWVkbGUAAQqFAwJrAQF/AkADQCAAQRBqIAFLDQEgAP0AAAD9DAoKCgoKCgoKCgoKCgoKCgr9I/1kIgIEQCAAIAJoag8LIABBEGohAAwACwsCQANAIAAgAU8NASAALQAAQQpGBEAgAA8LIABBAWohAAwACwsgAQuWAgMBfwJ7An8gAv0PIQYgA/0PIQcgASAEQQFqayEIAkADQCAAQRBqIAhKDQEgAP0AAAAgBv0jIAAgBGr9AAAAIAf9I/1OIAAgBGpBAWr9AAAA/QwgICAgICAgICAgICAgICAg/SMgACAEakEBav0AAAD9DAkJCQkJCQkJCQkJCQkJCQn9I/1QIAAgBGpBAWr9AAAA/QxdXV1dXV1dXV1dXV1dXV1d/SP9UP1O/WQiBQRAIAAgBWhqDwsgAEEQaiEADAALCwJAA0AgACAITg0BIAAgBGpBAWotAAAhCSAALQAAIAJGIAAgBGotAAAgA0ZxIAlBIEYgCUEJRnIgCUHdAEZycQRAIAAPCyAAQQFqIQAMAAsLIAEL', 'base64'));

type Search = (p: number, end: number) => number;
/** needle(p, end, a, b, d): see the kernel above */
export type NeedleSearch = (p: number, end: number, a: number, b: number, d: number) => number;

let kernel: WebAssembly.Module | null | undefined;
const searches = new WeakMap<Uint8Array, Search>();
/** by the memory's ArrayBuffer: a subarray of a lineBuffer (offset 0 up) is searched in place too */
const needles = new WeakMap<ArrayBufferLike, NeedleSearch>();
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
      const exports = new WebAssembly.Instance(kernel, { m: { m: memory } }).exports;
      const buf = Buffer.from(memory.buffer, 0, size);
      searches.set(buf, exports.lf as Search);
      needles.set(memory.buffer, exports.needle as NeedleSearch);
      return buf;
    } catch {
      kernel = null; // not here (or not that large): plain buffers from now on
    }
  }
  return Buffer.allocUnsafe(size);
}

/** The kernel's needle search bound to `buf`'s memory, when `buf` starts at offset 0 of a lineBuffer's. */
export function needleSearch(buf: Uint8Array): NeedleSearch | undefined {
  return buf.byteOffset === 0 ? needles.get(buf.buffer) : undefined;
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
