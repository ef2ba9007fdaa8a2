/**
 * The next LF in a line reader's buffer, 16 bytes a step. JavaScript can test at most a 32-bit
 * word a step (~0.45 ns a byte), and a native Buffer.indexOf costs ~50 ns a call, more than the
 * search on a dump's or an lbmmon log's short lines. So a reader's buffer lives in WebAssembly
 * memory (lineBuffer()), and a small kernel searches it with SIMD; a call from optimised
 * JavaScript costs a few ns (issue 32, BENCHMARKS.md). Any other buffer is searched a word a
 * time in JavaScript.
 *
 * The kernel's third function, lfback(p, lo), finds the last LF before p and not before lo (or
 * returns lo - 1): the broker scan's way back from a needle to its line's start, bounded by where
 * the last line it read ended (a JavaScript loop a byte a step was a fifth of a scan of a log that
 * names a needle on every line).
 *
 * The kernel's second function, needles(p, end, a, b1, d1, b2, d2), finds the first place where
 * either of two needles with the same first byte stands: byte a followed d1 bytes later by byte b1
 * or d2 bytes later by b2, and then a closed category: spaces or TABs, then ']'. Each needle's
 * first and last bytes are compared 64 places a step, both needles in one pass (the first byte
 * once: both broker needles begin with C, and a compare less a step was 3-10% of an INFO scan;
 * 64 places rather than 32, the places found as one 64-bit mask: 4-7% more), so its speed does
 * not depend on how often any byte occurs alone (a one-byte memchr for a needle's rarest byte
 * stops at every line of a log whose lines all hold that byte: issue 44). Where first and last bytes stand, the category's close is read there, in
 * the kernel: categories that only begin like a needle ([ COMMAND CALLS ], [ COMMAND CALL QUEUE ],
 * [ CLEAN AFTER FORKS ]) never reach JavaScript (a return to JavaScript and back per such line
 * cost a log made of them 6% of its scan: bench/NOTES.md).
 *
 * The kernel, in WebAssembly text (memory imported as m.m), assembled with wabt's wat2wasm 1.0.32
 * into the bytes below (852 bytes):
 *
 *   (func (export "lf") (param $p i32) (param $end i32) (result i32) (local $m i32)
 *     (block $wide (loop $step
 *       (br_if $wide (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
 *       (local.tee $m (i8x16.bitmask (i8x16.eq (v128.load align=1 (local.get $p)) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))))
 *       (if (then (return (i32.add (local.get $p) (i32.ctz (local.get $m))))))
 *       (local.set $p (i32.add (local.get $p) (i32.const 16))) (br $step)))
 *     (block $done (loop $byte
 *       (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
 *       (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 10)) (then (return (local.get $p))))
 *       (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $byte)))
 *     (local.get $end))
 *   (func $closes (param $i i32) (param $end i32) (result i32)
 *     (block $out (loop $space
 *       (br_if $out (i32.ge_s (local.get $i) (local.get $end)))
 *       (br_if $out (i32.and (i32.ne (i32.load8_u (local.get $i)) (i32.const 32)) (i32.ne (i32.load8_u (local.get $i)) (i32.const 9))))
 *       (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $space)))
 *     (if (result i32) (i32.lt_s (local.get $i) (local.get $end))
 *       (then (i32.eq (i32.load8_u (local.get $i)) (i32.const 93))) (else (i32.const 0))))
 *   (func $at (param $q i32) (param $end i32) (param $a i32) (param $b i32) (param $d i32) (result i32)
 *     (if (i32.ge_s (i32.add (local.get $q) (local.get $d)) (local.get $end)) (then (return (i32.const 0))))
 *     (if (result i32) (i32.and (i32.eq (i32.load8_u (local.get $q)) (local.get $a))
 *                               (i32.eq (i32.load8_u (i32.add (local.get $q) (local.get $d))) (local.get $b)))
 *       (then (call $closes (i32.add (i32.add (local.get $q) (local.get $d)) (i32.const 1)) (local.get $end)))
 *       (else (i32.const 0))))
 *   (func $hit (param $q i32) (param $end i32) (param $a i32) (param $b1 i32) (param $d1 i32) (param $b2 i32) (param $d2 i32) (result i32)
 *     (i32.or (call $at (local.get $q) (local.get $end) (local.get $a) (local.get $b1) (local.get $d1))
 *             (call $at (local.get $q) (local.get $end) (local.get $a) (local.get $b2) (local.get $d2))))
 *   (func (export "needles") (param $p i32) (param $end i32) (param $a i32) (param $b1 i32) (param $d1 i32) (param $b2 i32) (param $d2 i32) (result i32)
 *     (local $m i64) (local $va v128) (local $vb1 v128) (local $vb2 v128) (local $last i32) (local $q i32)
 *     (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)
 *     (local.set $va (i8x16.splat (local.get $a)))
 *     (local.set $vb1 (i8x16.splat (local.get $b1))) (local.set $vb2 (i8x16.splat (local.get $b2)))
 *     (local.set $last (i32.sub (local.get $end)
 *       (i32.add (select (local.get $d1) (local.get $d2) (i32.gt_s (local.get $d1) (local.get $d2))) (i32.const 1))))
 *     ;; 64 places a step: the first byte both needles share, then either one's last byte at its distance
 *     (block $wide (loop $step
 *       (br_if $wide (i32.gt_s (i32.add (local.get $p) (i32.const 64)) (local.get $last)))
 *       ;; where a needle stands, a lane a place: rarely any, so the lanes are made bits only when
 *       ;; one is set. Written out, not a function called four times: V8 did not inline one, and
 *       ;; the calls were a sixth of the search's time
 *       (local.set $m0 (v128.and (i8x16.eq (v128.load align=1 (local.get $p)) (local.get $va))
 *           (v128.or (i8x16.eq (v128.load align=1 (i32.add (local.get $p) (local.get $d1))) (local.get $vb1))
 *                    (i8x16.eq (v128.load align=1 (i32.add (local.get $p) (local.get $d2))) (local.get $vb2)))))
 *       (local.set $m1 (v128.and (i8x16.eq (v128.load offset=16 align=1 (local.get $p)) (local.get $va))
 *           (v128.or (i8x16.eq (v128.load offset=16 align=1 (i32.add (local.get $p) (local.get $d1))) (local.get $vb1))
 *                    (i8x16.eq (v128.load offset=16 align=1 (i32.add (local.get $p) (local.get $d2))) (local.get $vb2)))))
 *       (local.set $m2 (v128.and (i8x16.eq (v128.load offset=32 align=1 (local.get $p)) (local.get $va))
 *           (v128.or (i8x16.eq (v128.load offset=32 align=1 (i32.add (local.get $p) (local.get $d1))) (local.get $vb1))
 *                    (i8x16.eq (v128.load offset=32 align=1 (i32.add (local.get $p) (local.get $d2))) (local.get $vb2)))))
 *       (local.set $m3 (v128.and (i8x16.eq (v128.load offset=48 align=1 (local.get $p)) (local.get $va))
 *           (v128.or (i8x16.eq (v128.load offset=48 align=1 (i32.add (local.get $p) (local.get $d1))) (local.get $vb1))
 *                    (i8x16.eq (v128.load offset=48 align=1 (i32.add (local.get $p) (local.get $d2))) (local.get $vb2)))))
 *       (if (v128.any_true (v128.or (v128.or (local.get $m0) (local.get $m1)) (v128.or (local.get $m2) (local.get $m3)))) (then
 *         (local.set $m (i64.or
 *           (i64.or (i64.extend_i32_u (i8x16.bitmask (local.get $m0))) (i64.shl (i64.extend_i32_u (i8x16.bitmask (local.get $m1))) (i64.const 16)))
 *           (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (local.get $m2))) (i64.const 32)) (i64.shl (i64.extend_i32_u (i8x16.bitmask (local.get $m3))) (i64.const 48)))))
 *         ;; each one: the category must close there (spaces or TABs, then ']') for JavaScript to be called
 *         (block $none (loop $each
 *           (br_if $none (i64.eqz (local.get $m)))
 *           (local.set $q (i32.add (local.get $p) (i32.wrap_i64 (i64.ctz (local.get $m)))))
 *           (if (call $hit (local.get $q) (local.get $end) (local.get $a) (local.get $b1) (local.get $d1) (local.get $b2) (local.get $d2))
 *             (then (return (local.get $q))))
 *           (local.set $m (i64.and (local.get $m) (i64.sub (local.get $m) (i64.const 1))))
 *           (br $each)))))
 *       (local.set $p (i32.add (local.get $p) (i32.const 64))) (br $step)))
 *     ;; then a place at a time
 *     (block $done (loop $byte
 *       (br_if $done (i32.ge_s (local.get $p) (local.get $end)))
 *       (if (call $hit (local.get $p) (local.get $end) (local.get $a) (local.get $b1) (local.get $d1) (local.get $b2) (local.get $d2))
 *         (then (return (local.get $p))))
 *       (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $byte)))
 *     (local.get $end))
 *     (func (export "lfback") (param $p i32) (param $lo i32) (result i32) (local $m i32)
 *       ;; the last LF in [lo, p), 16 places a step from the end, or lo - 1 when there is none
 *       (block $wide (loop $step
 *         (br_if $wide (i32.lt_s (i32.sub (local.get $p) (i32.const 16)) (local.get $lo)))
 *         (local.set $p (i32.sub (local.get $p) (i32.const 16)))
 *         (local.tee $m (i8x16.bitmask (i8x16.eq (v128.load align=1 (local.get $p)) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))))
 *         (if (then (return (i32.add (local.get $p) (i32.sub (i32.const 31) (i32.clz (local.get $m)))))))
 *         (br $step)))
 *       (block $done (loop $byte
 *         (br_if $done (i32.le_s (local.get $p) (local.get $lo)))
 *         (local.set $p (i32.sub (local.get $p) (i32.const 1)))
 *         (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 10)) (then (return (local.get $p))))
 *         (br $byte)))
 *       (i32.sub (local.get $lo) (i32.const 1)))
 */

import { alignedWords, dataView } from '../views.js';

const KERNEL = Uint8Array.from(Buffer.from('AGFzbQEAAAABGwNgAn9/AX9gBX9/f39/AX9gB39/f39/f38BfwIIAQFtAW0CAAEDBwYAAAECAgAHGQMCbGYAAAduZWVkbGVzAAQGbGZiYWNrAAUK/gUGawEBfwJAA0AgAEEQaiABSw0BIAD9AAAA/QwKCgoKCgoKCgoKCgoKCgoK/SP9ZCICBEAgACACaGoPCyAAQRBqIQAMAAsLAkADQCAAIAFPDQEgAC0AAEEKRgRAIAAPCyAAQQFqIQAMAAsLIAELPwACQANAIAAgAU4NASAALQAAQSBHIAAtAABBCUdxDQEgAEEBaiEADAALCyAAIAFIBH8gAC0AAEHdAEYFQQALCzYAIAAgBGogAU4EQEEADwsgAC0AACACRiAAIARqLQAAIANGcQR/IAAgBGpBAWogARABBUEACwsbACAAIAEgAiADIAQQAiAAIAEgAiAFIAYQAnILigMEAX4DewJ/BHsgAv0PIQggA/0PIQkgBf0PIQogASAEIAYgBCAGShtBAWprIQsCQANAIABBwABqIAtKDQEgAP0AAAAgCP0jIAAgBGr9AAAAIAn9IyAAIAZq/QAAACAK/SP9UP1OIQ0gAP0AABAgCP0jIAAgBGr9AAAQIAn9IyAAIAZq/QAAECAK/SP9UP1OIQ4gAP0AACAgCP0jIAAgBGr9AAAgIAn9IyAAIAZq/QAAICAK/SP9UP1OIQ8gAP0AADAgCP0jIAAgBGr9AAAwIAn9IyAAIAZq/QAAMCAK/SP9UP1OIRAgDSAO/VAgDyAQ/VD9UP1TBEAgDf1krSAO/WStQhCGhCAP/WStQiCGIBD9ZK1CMIaEhCEHAkADQCAHUA0BIAAgB3qnaiEMIAwgASACIAMgBCAFIAYQAwRAIAwPCyAHIAdCAX2DIQcMAAsLCyAAQcAAaiEADAALCwJAA0AgACABTg0BIAAgASACIAMgBCAFIAYQAwRAIAAPCyAAQQFqIQAMAAsLIAELcQEBfwJAA0AgAEEQayABSA0BIABBEGshACAA/QAAAP0MCgoKCgoKCgoKCgoKCgoKCv0j/WQiAgRAIABBHyACZ2tqDwsMAAsLAkADQCAAIAFMDQEgAEEBayEAIAAtAABBCkYEQCAADwsMAAsLIAFBAWsL', 'base64'));

type Search = (p: number, end: number) => number;
/**
 * The broker scan's functions of the kernel above: needles(p, end, a, b1, d1, b2, d2), and
 * lfback(p, lo), the last LF in [lo, p) or lo - 1.
 */
export interface ScanKernel {
  needles: (p: number, end: number, a: number, b1: number, d1: number, b2: number, d2: number) => number;
  lfback: (p: number, lo: number) => number;
}

let kernel: WebAssembly.Module | null | undefined;
const searches = new WeakMap<Uint8Array, Search>();
/** by the memory's ArrayBuffer: a subarray of a lineBuffer (offset 0 up) is searched in place too */
const scans = new WeakMap<ArrayBufferLike, ScanKernel>();
let lastBuf: Uint8Array | null = null;
let lastSearch: Search | undefined;

/** where the room a lineBuffer was made with starts in its memory, by the memory's ArrayBuffer */
const rooms = new WeakMap<ArrayBufferLike, { memory: WebAssembly.Memory; at: number; bytes: number }>();

/**
 * A buffer of `size` bytes for a line reader, in WebAssembly memory with the kernel bound to it;
 * a plain Buffer (searched a word a time) if WebAssembly cannot be used. `room` bytes more are
 * kept in the same memory after the buffer, for a reader's own kernel (roomKernel()); pages of it
 * never written are never in memory.
 */
export function lineBuffer(size: number, room = 0): Buffer {
  if (kernel !== null) {
    try {
      kernel ??= new WebAssembly.Module(KERNEL);
      const pages = Math.ceil(size / 65536);
      const memory = new WebAssembly.Memory({ initial: pages + Math.ceil(room / 65536) });
      const exports = new WebAssembly.Instance(kernel, { m: { m: memory } }).exports;
      const buf = Buffer.from(memory.buffer, 0, size);
      searches.set(buf, exports.lf as Search);
      scans.set(memory.buffer, { needles: exports.needles as ScanKernel['needles'], lfback: exports.lfback as ScanKernel['lfback'] });
      if (room > 0) rooms.set(memory.buffer, { memory, at: pages * 65536, bytes: room });
      return buf;
    } catch {
      kernel = null; // not here (or not that large): plain buffers from now on
    }
  }
  return Buffer.allocUnsafe(size);
}

/**
 * The room kept after `buf` (lineBuffer's `room`), its memory and where it starts, when `buf`
 * starts at offset 0 of a lineBuffer's memory; handed out once, to one user.
 */
function roomOf(buf: Uint8Array): { memory: WebAssembly.Memory; at: number; bytes: number } | undefined {
  const r = buf.byteOffset === 0 ? rooms.get(buf.buffer) : undefined;
  if (r !== undefined) rooms.delete(buf.buffer);
  return r;
}

/** A reader's own kernel in the room of one line buffer: its exports, the memory, where the room starts. */
export interface RoomKernel {
  exports: WebAssembly.Exports;
  memory: ArrayBufferLike;
  at: number;
}

/**
 * A reader's own WebAssembly kernel (`bytes`, its memory imported as m.m) for the room kept after
 * a lineBuffer: the function returned instantiates it in `buf`'s room, when `buf` is a lineBuffer
 * made with at least `roomBytes` of room not handed out yet (`imports`, by where the room starts,
 * adds imports beside the memory). Compiled once; where it cannot be, never tried again.
 */
export function roomKernel(bytes: Uint8Array<ArrayBuffer>, roomBytes: number, imports?: (at: number) => Record<string, number>): (buf: Uint8Array) => RoomKernel | undefined {
  let module: WebAssembly.Module | null | undefined;
  return (buf) => {
    if (module === null) return undefined;
    const room = roomOf(buf);
    if (room === undefined || room.bytes < roomBytes) return undefined;
    try {
      module ??= new WebAssembly.Module(bytes);
      const exports = new WebAssembly.Instance(module, { m: { m: room.memory, ...imports?.(room.at) } }).exports;
      return { exports, memory: room.memory.buffer, at: room.at };
    } catch {
      module = null;
      return undefined;
    }
  };
}

/** The broker scan's kernel functions bound to `buf`'s memory, when `buf` starts at offset 0 of a lineBuffer's. */
export function scanKernel(buf: Uint8Array): ScanKernel | undefined {
  return buf.byteOffset === 0 ? scans.get(buf.buffer) : undefined;
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
